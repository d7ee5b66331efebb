/* SPDX-License-Identifier: GPL-2.0-only */
/* kstd_file KUnit suite: the cases of file_test.cpp. */
KSTD_SUITE(file)
KSTD_CASE(file, read_and_attributes)
KSTD_CASE(file, nothing_outside_the_root)
KSTD_CASE(file, listing_resumes_where_it_stopped)
KSTD_CASE(file, zero_copy_send)
KSTD_CASE(file, open_by_name_and_time)
KSTD_CASE(file, permissions_of_an_unprivileged_user)
KSTD_SUITE_END(file)
