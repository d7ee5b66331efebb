// SPDX-License-Identifier: GPL-2.0-only
/*
 * khttpd's count of open connections per client address (see
 * per_address.hpp).
 */
#include "per_address.hpp"

#include <kstd/memory.hpp>

namespace khttpd {

kstd::result<address_slot> address_table::acquire(const kstd::socket_address &peer,
						  u32 limit) noexcept
{
	u8 key[16] = {};
	if (peer.is_ipv4()) {
		key[10] = key[11] = 0xff;
		__builtin_memcpy(key + 12, peer.address_bytes(), 4);
	} else {
		__builtin_memcpy(key, peer.address_bytes(), peer.address_size());
	}
	u32 h = seed_;
	for (u8 b : key)
		h = (h ^ b) * 16777619u;
	kstd::unique_ptr<address_count> fresh; /* freed, unused, after the lock */
	for (;;) {
		{
			auto t = t_.lock();
			auto &b = t->bucket[h % buckets];
			for (address_count &e : b) {
				if (e.hash != h || __builtin_memcmp(e.addr, key, sizeof(key)) != 0)
					continue;
				if (e.count >= limit)
					return kstd::error::busy();
				e.count++;
				return address_slot(*this, e);
			}
			if (fresh) {
				fresh->count = 1;
				b.push_front(*fresh);
				return address_slot(*this, *fresh.release());
			}
		}
		/* The accept work is the only one adding: once is enough. */
		fresh = KSTD_TRY(kstd::make_unique<address_count>(kstd::gfp::kernel, key, h));
	}
}

void address_table::release(address_count &e) noexcept
{
	kstd::unique_ptr<address_count> last; /* freed after the lock */
	auto t = t_.lock();
	if (--e.count == 0) {
		t->bucket[e.hash % buckets].erase(e);
		last = kstd::unique_ptr<address_count>(&e);
	}
}

void address_slot::reset() noexcept
{
	if (address_count *e = kstd::exchange(entry_, nullptr))
		table_->release(*e);
}

} // namespace khttpd
