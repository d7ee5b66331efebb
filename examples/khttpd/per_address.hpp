// SPDX-License-Identifier: GPL-2.0-only
/*
 * khttpd's count of open connections per client address (max_per_address,
 * like nginx's limit_conn).
 */
#ifndef KHTTPD_PER_ADDRESS_HPP
#define KHTTPD_PER_ADDRESS_HPP

#include <kstd/list.hpp>
#include <kstd/lock.hpp>
#include <kstd/net_address.hpp>
#include <kstd/random.hpp>
#include <kstd/result.hpp>

namespace khttpd {

using kstd::u32;
using kstd::u8;

/* How many connections one client address has open. */
struct address_count {
	address_count(const kstd::ip_address &a, u32 h) noexcept : addr(a), hash(h) {}

	kstd::ip_address addr; /* IPv6; IPv4 as ::ffff:a.b.c.d */
	u32 hash;
	u32 count = 0;
	kstd::list_node link; /* in a bucket of address_table */
};

class address_table;

/* One connection counted for its address: released when it goes. */
class address_slot {
public:
	address_slot() noexcept = default;
	address_slot(address_table &t, address_count &e) noexcept : table_(&t), entry_(&e) {}
	address_slot(address_slot &&o) noexcept : table_(o.table_), entry_(o.entry_)
	{
		o.entry_ = nullptr;
	}
	address_slot &operator=(address_slot &&o) noexcept
	{
		if (this != &o) {
			reset();
			table_ = o.table_;
			entry_ = kstd::exchange(o.entry_, nullptr);
		}
		return *this;
	}
	address_slot(const address_slot &) = delete;
	address_slot &operator=(const address_slot &) = delete;
	~address_slot() { reset(); }
	void reset() noexcept;

private:
	address_table *table_ = nullptr;
	address_count *entry_ = nullptr;
};

/*
 * Open connections by client address: a hash table of counts, one small
 * allocation per address with connections open, freed when its last
 * connection goes, so the memory is bounded by max_connections.  Process
 * context (the accept work and the connections' work, never a socket
 * hook): a plain spinlock, no allocation under it.  The hash is seeded at
 * load, so that one client cannot aim its addresses at one bucket offline.
 */
class address_table {
public:
	address_table() noexcept : seed_(kstd::random_u32()) {}
	address_table(const address_table &) = delete;
	address_table &operator=(const address_table &) = delete;

	/* Count a connection from @peer: -EBUSY over @limit, or -ENOMEM. */
	kstd::result<address_slot> acquire(const kstd::socket_address &peer, u32 limit) noexcept;
	/* A connection counted for @e goes (address_slot's destructor). */
	void release(address_count &e) noexcept;

private:
	static constexpr u32 buckets = 256;

	struct table {
		/* Each entry owned by its bucket until its last connection goes. */
		kstd::intrusive_list<&address_count::link, kstd::unique_ptr<address_count>>
			bucket[buckets];
	};
	kstd::locked<table> t_{"khttpd.per_address"};
	u32 seed_;
};

} // namespace khttpd

#endif // KHTTPD_PER_ADDRESS_HPP
