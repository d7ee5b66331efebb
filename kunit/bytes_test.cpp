// SPDX-License-Identifier: GPL-2.0-only
#include <kstd/bytes.hpp>

#include <kstd/kunit.hpp>

#include "kunit_bridge.h"

using kstd::size_t;
using kstd::span;
using kstd::u8;

namespace {
/* Through a volatile pointer, so the compiler cannot fold the calls away. */
u8 *opaque(u8 *p)
{
	u8 *volatile v = p;
	return v;
}
} // namespace

KSTD_TEST_SUITE(kstd_bytes);

KSTD_TEST(kstd_bytes, copy_and_fill)
{
	u8 a[32], b[32];
	for (int i = 0; i < 32; i++)
		a[i] = static_cast<u8>(i * 7);
	kstd::fill_bytes(opaque(b), 0xaa, sizeof(b));
	for (u8 x : b)
		KSTD_EXPECT_EQ(x, 0xaa);
	kstd::copy_bytes(opaque(b) + 4, a, 20);
	for (int i = 0; i < 32; i++)
		KSTD_EXPECT_EQ(b[i], i >= 4 && i < 24 ? static_cast<u8>((i - 4) * 7) : 0xaa);
	kstd::fill_bytes(span<u8>{b}.subspan(24), 0);
	KSTD_EXPECT_EQ(b[23], static_cast<u8>(19 * 7));
	KSTD_EXPECT_EQ(b[24], 0);
	KSTD_EXPECT_EQ(b[31], 0);
	kstd::fill_bytes(opaque(b), 1, 0); /* n = 0 touches nothing */
	KSTD_EXPECT_EQ(b[0], 0xaa);
}

KSTD_TEST(kstd_bytes, move_overlapping)
{
	u8 buf[16];
	for (int i = 0; i < 16; i++)
		buf[i] = static_cast<u8>(i);
	/* Forward: drop 5 consumed bytes from the front of a line buffer. */
	kstd::move_bytes(opaque(buf), buf + 5, 11);
	for (int i = 0; i < 11; i++)
		KSTD_EXPECT_EQ(buf[i], i + 5);
	/* Backward: make room at the front; a memcpy() would repeat bytes. */
	for (int i = 0; i < 16; i++)
		buf[i] = static_cast<u8>(i);
	size_t n = kstd::move_bytes(span<u8>{buf}.subspan(3), span<const u8>{buf}.first(13));
	KSTD_EXPECT_EQ(n, 13);
	for (int i = 3; i < 16; i++)
		KSTD_EXPECT_EQ(buf[i], i - 3);
	KSTD_EXPECT_EQ(buf[2], 2);
}

KSTD_TEST(kstd_bytes, compare_and_equal)
{
	u8 x[4] = {1, 2, 3, 4}, y[4] = {1, 2, 3, 4};
	KSTD_EXPECT_EQ(kstd::compare_bytes(opaque(x), y, 4), 0);
	KSTD_EXPECT(kstd::equal_bytes(opaque(x), y, 4));
	y[3] = 0x80; /* unsigned: 0x80 > 4 */
	KSTD_EXPECT(kstd::compare_bytes(opaque(x), y, 4) < 0);
	KSTD_EXPECT(kstd::compare_bytes(opaque(y), x, 4) > 0);
	KSTD_EXPECT(!kstd::equal_bytes(opaque(x), y, 4));
	KSTD_EXPECT(kstd::equal_bytes(opaque(x), y, 3));
	/* Spans: length counts, shorter prefix first. */
	span<const u8> sx{x}, sy{y};
	KSTD_EXPECT(kstd::equal_bytes(sx.first(3), sy.first(3)));
	KSTD_EXPECT(!kstd::equal_bytes(sx.first(3), sx.first(2)));
	KSTD_EXPECT(kstd::compare_bytes(sx.first(2), sx.first(3)) < 0);
	KSTD_EXPECT(kstd::compare_bytes(sx.first(3), sx.first(2)) > 0);
	KSTD_EXPECT(kstd::compare_bytes(sx, sy) < 0);
	KSTD_EXPECT(kstd::compare_bytes(sy, sx) > 0);
	KSTD_EXPECT_EQ(kstd::compare_bytes(span<const u8>{}, span<const u8>{}), 0);
	KSTD_EXPECT(kstd::equal_bytes(span<const u8>{}, sx.first(0)));
}

KSTD_TEST(kstd_bytes, spans_stop_at_the_shorter)
{
	u8 src[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	u8 small[3] = {}, big[12] = {};
	KSTD_EXPECT_EQ(kstd::copy_bytes(small, span<const u8>{src}), 3); /* dst shorter */
	KSTD_EXPECT_EQ(small[2], 3);
	KSTD_EXPECT_EQ(kstd::copy_bytes(big, span<const u8>{src}), 8); /* src shorter */
	KSTD_EXPECT_EQ(big[7], 8);
	KSTD_EXPECT_EQ(big[8], 0);
	KSTD_EXPECT_EQ(kstd::copy_bytes(span<u8>{}, span<const u8>{src}), 0);
	KSTD_EXPECT_EQ(kstd::copy_bytes(big, span<const u8>{}), 0);
	/* Any element type, viewed as bytes. */
	int ints[2] = {0x01020304, -1}, out[2] = {};
	KSTD_EXPECT_EQ(kstd::copy_bytes(kstd::as_writable_bytes(span<int>{out}),
					kstd::as_bytes(span<const int>{ints})),
		       sizeof(ints));
	KSTD_EXPECT_EQ(out[0], 0x01020304);
	KSTD_EXPECT_EQ(out[1], -1);
}

KSTD_TEST_SUITE_END(kstd_bytes);
