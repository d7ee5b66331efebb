/* SPDX-License-Identifier: GPL-2.0-only */
/* kstd_stream_buffer KUnit suite: the cases of stream_buffer_test.cpp. */
KSTD_SUITE(stream_buffer)
KSTD_CASE(stream_buffer, create_bounds)
KSTD_CASE(stream_buffer, line_split_across_recvs)
KSTD_CASE(stream_buffer, several_lines_in_one_recv)
KSTD_CASE(stream_buffer, line_longer_than_max)
KSTD_CASE(stream_buffer, eof_between_lines)
KSTD_CASE(stream_buffer, eof_with_partial_line)
KSTD_CASE(stream_buffer, frames_and_full_buffer)
KSTD_CASE(stream_buffer, compaction_keeps_order)
KSTD_CASE(stream_buffer, send_bounds)
KSTD_CASE(stream_buffer, send_back_pressure)
KSTD_SUITE_END(stream_buffer)
