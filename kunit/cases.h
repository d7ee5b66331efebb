/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The list of kstd's KUnit cases, shared by C and C++.
 *
 * suites.c expands it into struct kunit_case arrays and suites (KUnit is
 * macros over kernel structs, so registration stays in C); the C++ test
 * files include it to declare each case's body with C linkage.  To add a
 * case: one KSTD_CASE() line here, one KSTD_TEST() body in the .cpp.
 */
KSTD_SUITE(result)
KSTD_CASE(result, value_roundtrip)
KSTD_CASE(result, error_is_negative_errno)
KSTD_CASE(result, from_errno_clamps_invalid)
KSTD_CASE(result, try_propagates_error)
KSTD_CASE(result, try_yields_value)
KSTD_CASE(result, void_result)
KSTD_CASE(result, err_ptr_roundtrip)
KSTD_CASE(result, move_only_value)
KSTD_CASE(result, converting_result)
KSTD_CASE(result, value_or)
KSTD_SUITE_END(result)

KSTD_SUITE(memory)
KSTD_CASE(memory, make_unique_constructs)
KSTD_CASE(memory, destructor_runs_once)
KSTD_CASE(memory, release_and_adopt)
KSTD_CASE(memory, move_transfers_ownership)
KSTD_CASE(memory, reset_destroys_old)
KSTD_CASE(memory, array_zeroed_and_sized)
KSTD_CASE(memory, array_elements_destroyed)
KSTD_CASE(memory, array_overflow_rejected)
KSTD_CASE(memory, huge_allocation_fails_cleanly)
KSTD_CASE(memory, atomic_allocation_under_spinlock)
KSTD_CASE(memory, pointer_is_one_word)
KSTD_SUITE_END(memory)

KSTD_SUITE(lock)
KSTD_CASE(lock, spinlock_guard_releases)
KSTD_CASE(lock, spinlock_try_lock_fails_when_held)
KSTD_CASE(lock, spinlock_irqsave_restores)
KSTD_CASE(lock, spinlock_bh_guard)
KSTD_CASE(lock, guard_early_unlock_and_move)
KSTD_CASE(lock, mutex_guard_releases)
KSTD_CASE(lock, mutex_try_lock_fails_when_held)
KSTD_CASE(lock, mutex_lock_interruptible)
KSTD_CASE(lock, locked_data_access)
KSTD_CASE(lock, mutex_locked_data_access)
KSTD_CASE(lock, lockdep_class_per_declaration)
KSTD_CASE(lock, spinlock_contended_by_kthreads)
KSTD_SUITE_END(lock)

KSTD_SUITE(list)
KSTD_CASE(list, push_and_iterate_in_order)
KSTD_CASE(list, pop_front_and_back)
KSTD_CASE(list, erase_middle)
KSTD_CASE(list, splice_back_moves_all)
KSTD_CASE(list, remove_if_counts)
KSTD_CASE(list, node_tracks_linked_state)
KSTD_CASE(list, clear_unlinks_all)
KSTD_CASE(list, layout_matches_list_head)
KSTD_CASE(list, empty_list_ops)
KSTD_SUITE_END(list)

KSTD_SUITE(log)
KSTD_CASE(log, warn_on_false_is_silent)
KSTD_CASE(log, printk_formats)
KSTD_SUITE_END(log)

KSTD_SUITE(module)
KSTD_CASE(module, init_error_becomes_errno)
KSTD_CASE(module, exit_destroys_state)
KSTD_CASE(module, layout_constants_sane)
KSTD_SUITE_END(module)
