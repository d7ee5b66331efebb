// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file types.hpp
 * @brief kstd's integer and size types, spelled like the kernel's.
 *
 * Freestanding: no kernel header, no generated header, so the parsers built
 * on it also compile for the host (unit tests, fuzzers).  u64/s64 are
 * `long long` as in the kernel (include/asm-generic/int-ll64.h), so they
 * print with `%llu`/`%lld` there and here alike.
 */
#ifndef KSTD_TYPES_HPP
#define KSTD_TYPES_HPP

namespace kstd {

/** @name Size and pointer types, as in `<stddef.h>` and `<stdint.h>` */
///@{
/// The type of sizeof.
using size_t = __SIZE_TYPE__;
/// The difference of two pointers.
using ptrdiff_t = __PTRDIFF_TYPE__;
/// An unsigned integer that can hold a pointer.
using uintptr_t = __UINTPTR_TYPE__;
/// The type of nullptr.
using nullptr_t = decltype(nullptr);
///@}

/**
 * @name Fixed-width integers, named as in the kernel
 * u64 and s64 are `unsigned long long` and `long long`, as in the kernel.
 */
///@{
/// Unsigned 8-bit integer.
using u8 = __UINT8_TYPE__;
/// Unsigned 16-bit integer.
using u16 = __UINT16_TYPE__;
/// Unsigned 32-bit integer.
using u32 = __UINT32_TYPE__;
/// Unsigned 64-bit integer.
using u64 = unsigned long long;
/// Signed 8-bit integer.
using s8 = __INT8_TYPE__;
/// Signed 16-bit integer.
using s16 = __INT16_TYPE__;
/// Signed 32-bit integer.
using s32 = __INT32_TYPE__;
/// Signed 64-bit integer.
using s64 = long long;
///@}

static_assert(sizeof(u64) == 8 && sizeof(s64) == 8);

} // namespace kstd

#endif // KSTD_TYPES_HPP
