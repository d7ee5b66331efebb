// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file net_address.hpp
 * @brief kstd::socket_address: an IPv4 or IPv6 address and a port, by value.
 *
 * What kstd::tcp_listener::bind(), kstd::tcp_stream::connect() and the
 * address getters take and return.  It holds a struct sockaddr_in or
 * sockaddr_in6 (28 bytes, no allocation), so it prints with the kernel's
 * `%pISpc` format ("127.0.0.1:8080", "[::1]:8080") through sockaddr().
 *
 * @code
 * auto any = kstd::socket_address::ipv6_any(8080);   // [::]:8080
 * auto lo = kstd::socket_address::ipv4_loopback(0);  // 127.0.0.1, any port
 * auto host = kstd::socket_address::ipv4(192, 168, 0, 1, 80);
 * kstd_pr_info("listening on %pISpc\n", any.sockaddr());
 * if (peer == host && peer.port() == 80) ...
 * @endcode
 *
 * Everything here is usable in any context.
 */
#ifndef KSTD_NET_ADDRESS_HPP
#define KSTD_NET_ADDRESS_HPP

#include <kstd/bindings.h>
#include <kstd/bytes.hpp>
#include <kstd/utility.hpp>

namespace kstd {

/** The address families kstd sockets speak. */
enum class address_family : u16 {
	unspec = 0,
	ipv4 = KSTD_AF_INET,
	ipv6 = KSTD_AF_INET6,
};

/**
 * An IPv4 or IPv6 socket address (address + port, plus the IPv6 scope id).
 * A default-constructed one is unspecified (family() == unspec) and is
 * rejected by bind/connect with -EAFNOSUPPORT.  Ports are in host order in
 * the API and stored in network order.  Equality compares family, address,
 * port and scope id (not the IPv6 flow label); an IPv4 address never equals
 * its IPv4-mapped IPv6 form.
 */
class socket_address {
public:
	constexpr socket_address() noexcept = default;

	/** a.b.c.d:port */
	[[nodiscard]] static socket_address ipv4(u8 a, u8 b, u8 c, u8 d, u16 port) noexcept
	{
		const u8 bytes[4] = {a, b, c, d};
		return ipv4(bytes, port);
	}
	/** IPv4 from 4 bytes in network order (as in struct in_addr). */
	[[nodiscard]] static socket_address ipv4(const u8 (&bytes)[4], u16 port) noexcept
	{
		socket_address s;
		s.sa_.family = KSTD_AF_INET;
		s.set_port(port);
		copy_bytes(s.sa_.u.in4.addr, bytes, 4);
		return s;
	}
	/** 0.0.0.0:port (INADDR_ANY) */
	[[nodiscard]] static socket_address ipv4_any(u16 port) noexcept
	{
		return ipv4(0, 0, 0, 0, port);
	}
	/** 127.0.0.1:port (INADDR_LOOPBACK) */
	[[nodiscard]] static socket_address ipv4_loopback(u16 port) noexcept
	{
		return ipv4(127, 0, 0, 1, port);
	}
	/** [bytes]:port, 16 bytes in network order; @p scope_id for link-local. */
	[[nodiscard]] static socket_address ipv6(const u8 (&bytes)[16], u16 port,
						 u32 scope_id = 0) noexcept
	{
		socket_address s;
		s.sa_.family = KSTD_AF_INET6;
		s.set_port(port);
		copy_bytes(s.sa_.u.in6.addr, bytes, 16);
		s.sa_.u.in6.scope_id = scope_id;
		return s;
	}
	/** `[::]:port` (in6addr_any; also accepts IPv4 unless v6only). */
	[[nodiscard]] static socket_address ipv6_any(u16 port) noexcept
	{
		const u8 any[16] = {};
		return ipv6(any, port);
	}
	/** `[::1]:port` (in6addr_loopback). */
	[[nodiscard]] static socket_address ipv6_loopback(u16 port) noexcept
	{
		const u8 lo[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
		return ipv6(lo, port);
	}
	/**
	 * From a kernel struct kstd_sockaddr (what the C helpers fill in);
	 * anything but AF_INET/AF_INET6 gives an unspecified address.
	 */
	[[nodiscard]] static socket_address from_raw(const kstd_sockaddr &raw) noexcept
	{
		socket_address s;
		if (raw.family == KSTD_AF_INET || raw.family == KSTD_AF_INET6)
			s.sa_ = raw;
		if (s.sa_.family == KSTD_AF_INET)
			for (auto &z : s.sa_.u.in4.zero)
				z = 0;
		return s;
	}

	/** AF_INET, AF_INET6, or unspecified (a default-constructed address). */
	[[nodiscard]] address_family family() const noexcept
	{
		return static_cast<address_family>(sa_.family);
	}
	/** AF_INET? */
	[[nodiscard]] bool is_ipv4() const noexcept { return sa_.family == KSTD_AF_INET; }
	/** AF_INET6? */
	[[nodiscard]] bool is_ipv6() const noexcept { return sa_.family == KSTD_AF_INET6; }

	/** The port, host order. */
	[[nodiscard]] u16 port() const noexcept
	{
		return static_cast<u16>(sa_.port[0] << 8 | sa_.port[1]);
	}
	/** Replace the port (host order). */
	void set_port(u16 port) noexcept
	{
		sa_.port[0] = static_cast<u8>(port >> 8);
		sa_.port[1] = static_cast<u8>(port);
	}

	/** The address bytes, network order: 4 (IPv4), 16 (IPv6) or 0 of them. */
	[[nodiscard]] const u8 *address_bytes() const noexcept
	{
		return is_ipv6() ? sa_.u.in6.addr : sa_.u.in4.addr;
	}
	/** The number of address_bytes(): 4, 16 or 0. */
	[[nodiscard]] size_t address_size() const noexcept
	{
		return is_ipv6() ? 16 : is_ipv4() ? 4 : 0;
	}
	/** The IPv6 scope id (interface index of a link-local address), else 0. */
	[[nodiscard]] u32 scope_id() const noexcept { return is_ipv6() ? sa_.u.in6.scope_id : 0; }

	/** The wildcard address (0.0.0.0 or ::)? */
	[[nodiscard]] bool is_any() const noexcept
	{
		if (!address_size())
			return false;
		for (size_t i = 0; i < address_size(); i++)
			if (address_bytes()[i])
				return false;
		return true;
	}
	/** 127.0.0.0/8, \::1, or the IPv4-mapped \::ffff:127.x.y.z? */
	[[nodiscard]] bool is_loopback() const noexcept
	{
		const u8 *b = address_bytes();
		if (is_ipv4())
			return b[0] == 127;
		if (!is_ipv6())
			return false;
		for (size_t i = 0; i < 10; i++)
			if (b[i])
				return false;
		if (b[10] == 0xff && b[11] == 0xff)
			return b[12] == 127;
		return !b[10] && !b[11] && !b[12] && !b[13] && !b[14] && b[15] == 1;
	}

	/**
	 * The address as the kernel's struct sockaddr *, for `%pISpc` / `%pISc`
	 * in kstd_pr_*() and for C APIs: valid while this object lives.
	 */
	[[nodiscard]] const ::sockaddr *sockaddr() const noexcept
	{
		return reinterpret_cast<const ::sockaddr *>(&sa_);
	}
	/** The underlying sockaddr_in/sockaddr_in6 mirror, for the C helpers. */
	[[nodiscard]] const kstd_sockaddr &raw() const noexcept { return sa_; }

	/** Same family, address, port and (IPv6) scope id. */
	friend bool operator==(const socket_address &a, const socket_address &b) noexcept
	{
		if (a.sa_.family != b.sa_.family || a.port() != b.port() ||
		    a.scope_id() != b.scope_id())
			return false;
		return equal_bytes(a.address_bytes(), b.address_bytes(), a.address_size());
	}

private:
	kstd_sockaddr sa_{};
};

/** @name Shorthands named after the C constants */
///@{
/** `[::]:port`: socket_address::ipv6_any(). */
[[nodiscard]] inline socket_address in6addr_any(u16 port) noexcept
{
	return socket_address::ipv6_any(port);
}
/** `[::1]:port`: socket_address::ipv6_loopback(). */
[[nodiscard]] inline socket_address in6addr_loopback(u16 port) noexcept
{
	return socket_address::ipv6_loopback(port);
}
/** `0.0.0.0:port`: socket_address::ipv4_any(). */
[[nodiscard]] inline socket_address inaddr_any(u16 port) noexcept
{
	return socket_address::ipv4_any(port);
}
/** `127.0.0.1:port`: socket_address::ipv4_loopback(). */
[[nodiscard]] inline socket_address inaddr_loopback(u16 port) noexcept
{
	return socket_address::ipv4_loopback(port);
}
///@}

} // namespace kstd

#endif // KSTD_NET_ADDRESS_HPP
