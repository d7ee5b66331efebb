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
	/* One client, whether the dual-stack listener saw it mapped or not. */
	const kstd::ip_address key = peer.address().to_ipv4_mapped();
	u32 h = seed_;
	for (u8 b : key.bytes())
		h = (h ^ b) * 16777619u;
	kstd::unique_ptr<address_count> fresh; /* freed, unused, after the lock */
	for (;;) {
		{
			auto t = t_.lock();
			auto &b = t->bucket[h % buckets];
			for (address_count &e : b) {
				if (e.hash != h || e.addr != key)
					continue;
				if (e.count >= limit)
					return kstd::error::busy();
				e.count++;
				return address_slot(*this, e);
			}
			if (fresh) {
				address_count &e = *fresh;
				e.count = 1;
				b.push_front(kstd::move(fresh));
				return address_slot(*this, e);
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
	if (--e.count == 0)
		last = t->bucket[e.hash % buckets].erase(e);
}

void address_slot::reset() noexcept
{
	if (address_count *e = kstd::exchange(entry_, nullptr))
		table_->release(*e);
}

} // namespace khttpd
