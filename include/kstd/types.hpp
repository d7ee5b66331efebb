// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file types.hpp
 * @brief kstd's integer and size types, spelled like the kernel's.
 *
 * Freestanding: no kernel header, no generated header, so the parsers built
 * on it also compile for the host (unit tests, fuzzers).  u64/s64 are
 * `long long` as in the kernel (include/asm-generic/int-ll64.h), so they
 * print with %llu/%lld there and here alike.
 */
#ifndef KSTD_TYPES_HPP
#define KSTD_TYPES_HPP

namespace kstd {

using size_t = __SIZE_TYPE__;
using ptrdiff_t = __PTRDIFF_TYPE__;
using uintptr_t = __UINTPTR_TYPE__;
using nullptr_t = decltype(nullptr);
using u8 = __UINT8_TYPE__;
using u16 = __UINT16_TYPE__;
using u32 = __UINT32_TYPE__;
using u64 = unsigned long long;
using s8 = __INT8_TYPE__;
using s16 = __INT16_TYPE__;
using s32 = __INT32_TYPE__;
using s64 = long long;

static_assert(sizeof(u64) == 8 && sizeof(s64) == 8);

} // namespace kstd

#endif // KSTD_TYPES_HPP
