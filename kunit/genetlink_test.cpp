// SPDX-License-Identifier: GPL-2.0-only
/*
 * kstd_genetlink: a kstd::genl::family registered in the running kernel,
 * spoken to through real NETLINK_GENERIC sockets of init_net (the
 * kernel's af_netlink and genetlink code on the other end, as for user
 * space): the controller resolves it, policies reject bad attributes with
 * an extack, handlers' errnos and typed replies arrive, a 1000-entry dump
 * crosses several recv() calls complete and in order, notify() reaches a
 * group member only, and after unregistration the controller no longer
 * knows the family.  The permission flags are checked from user space by
 * scripts/guest-tests/genetlink.sh (a kernel socket has every capability).
 */
#include <kstd/bytes.hpp>
#include <kstd/genetlink.hpp>
#include <kstd/memory.hpp>
#include <kstd/string.hpp>

#include <kstd/kunit.hpp>

#include "kunit_bridge.h"

namespace {

using kstd::size_t;
using kstd::u16;
using kstd::u32;
using kstd::u64;
using kstd::u8;

enum : u16 { A_UNSPEC, A_NAME, A_VALUE, A_BIG, A_FLAG, A_INDEX, A_BLOB };
enum : u8 { C_UNSPEC, C_ECHO, C_LIST, C_ADMIN, C_NOTIFY };

using attrs = kstd::genl::attributes<kstd::genl::attr<A_NAME, kstd::genl::nla_string<15>>,
				     kstd::genl::attr<A_VALUE, kstd::genl::nla_u32>,
				     kstd::genl::attr<A_BIG, kstd::genl::nla_u64>,
				     kstd::genl::attr<A_FLAG, kstd::genl::nla_flag>,
				     kstd::genl::attr<A_INDEX, kstd::genl::nla_u32>,
				     kstd::genl::attr<A_BLOB, kstd::genl::nla_exact<4>>>;

static_assert(attrs::max_id == A_BLOB);
static_assert(attrs::table.entries[0].kind == KSTD_GENL_REJECT);
static_assert(attrs::table.entries[A_NAME].kind == KSTD_GENL_STRING &&
	      attrs::table.entries[A_NAME].len == 15);
static_assert(attrs::table.entries[A_BLOB].kind == KSTD_GENL_EXACT &&
	      attrs::table.entries[A_BLOB].len == 4);

constexpr unsigned long dump_entries = 1000;

/* Dump entry i's name: 1 to 15 characters of this. */
kstd::string_view entry_name(unsigned long i)
{
	return kstd::string_view("entry-of-a-dump", 1 + i % 15);
}

struct test_family {
	int echo_calls = 0;
	int dump_calls = 0;
	using genl_family = kstd::genl::family<test_family, attrs>;
	genl_family genl;

	/* A_VALUE required; replies value + 1, the name, value << 32, the flag. */
	kstd::result<void> echo(const kstd::genl::request<attrs> &req,
				kstd::genl::message<attrs> &reply)
	{
		echo_calls++;
		u32 v = KSTD_TRY(req.get<A_VALUE>());
		if (v == 13) {
			req.set_error_message("unlucky value");
			return kstd::error::io();
		}
		KSTD_TRY(reply.put<A_VALUE>(v + 1));
		KSTD_TRY(reply.put<A_NAME>(req.get_or<A_NAME>("anonymous")));
		KSTD_TRY(reply.put<A_BIG>(static_cast<u64>(v) << 32));
		if (req.has<A_FLAG>())
			KSTD_TRY(reply.put_flag<A_FLAG>());
		if (req.has<A_BLOB>())
			KSTD_TRY(reply.put<A_BLOB>(KSTD_TRY(req.get<A_BLOB>())));
		return {};
	}

	kstd::result<void> list(const kstd::genl::request<attrs> &, kstd::genl::dump<attrs> &out)
	{
		dump_calls++;
		for (unsigned long i = out.cursor(); i < dump_entries; i++) {
			auto e = KSTD_TRY(out.begin());
			KSTD_TRY(e.put<A_INDEX>(static_cast<u32>(i)));
			/* Entries of 48 to 64 bytes: a full skb cuts some in the middle. */
			KSTD_TRY(e.put<A_NAME>(entry_name(i)));
			KSTD_TRY(e.put<A_BIG>(i * 3));
			out.commit(kstd::move(e), i + 1);
		}
		return {};
	}

	kstd::result<void> admin(const kstd::genl::request<attrs> &req,
				 kstd::genl::message<attrs> &reply)
	{
		return reply.put<A_VALUE>(req.net_admin() ? 1 : 0);
	}

	/* Multicasts A_VALUE to group 0 of the sender's namespace. */
	kstd::result<void> notify_cmd(const kstd::genl::request<attrs> &req,
				      kstd::genl::message<attrs> &)
	{
		u32 v = KSTD_TRY(req.get<A_VALUE>());
		auto r = genl.notify(
			req.net(), 0, C_NOTIFY, kstd::gfp::kernel,
			[&](kstd::genl::message<attrs> &m) { return m.put<A_VALUE>(v); });
		if (!r && r.error() != kstd::error::srch())
			return r;
		return {};
	}

	static constexpr kstd::genl::command<test_family, attrs> commands[] = {
		kstd::genl::doit<&test_family::echo>(C_ECHO, kstd::genl::perm::none),
		kstd::genl::dumpit<&test_family::list>(C_LIST, kstd::genl::perm::none),
		kstd::genl::doit<&test_family::admin>(C_ADMIN, kstd::genl::perm::admin),
		kstd::genl::doit<&test_family::notify_cmd>(C_NOTIFY, kstd::genl::perm::none),
	};
	static constexpr const char *groups[] = {"kstd_test_ev"};

	static kstd::result<kstd::unique_ptr<test_family>> create(const char *name = "kstd_test")
	{
		auto self = KSTD_TRY(kstd::make_unique<test_family>(kstd::gfp::kernel));
		self->genl = KSTD_TRY(genl_family::create(*self, name, 2, commands, groups));
		return self;
	}
};

/* --- user space's side, by hand: the uapi netlink layouts --- */

constexpr u16 nlmsg_error = 2, nlmsg_done = 3;
constexpr u16 nlm_f_request = 1, nlm_f_multi = 2, nlm_f_ack = 4, nlm_f_dump = 0x300;
constexpr u16 nlm_f_ack_tlvs = 0x200;
constexpr u16 genl_id_ctrl = 0x10;
constexpr u8 ctrl_cmd_getfamily = 3;
constexpr u16 ctrl_attr_family_id = 1, ctrl_attr_family_name = 2, ctrl_attr_mcast_groups = 7;
constexpr u16 ctrl_attr_mcast_grp_name = 1, ctrl_attr_mcast_grp_id = 2;
constexpr u16 nlmsgerr_attr_msg = 1, nlmsgerr_attr_miss_type = 5;

struct nlmsghdr_u {
	u32 len;
	u16 type;
	u16 flags;
	u32 seq;
	u32 pid;
};
constexpr size_t nl_hdr = sizeof(nlmsghdr_u) + 4; /* + genlmsghdr */

constexpr size_t align4(size_t n)
{
	return (n + 3) & ~size_t(3);
}

u16 rd16(const u8 *p)
{
	u16 v;
	kstd::copy_bytes(&v, p, 2);
	return v;
}
u32 rd32(const u8 *p)
{
	u32 v;
	kstd::copy_bytes(&v, p, 4);
	return v;
}

/* One request: nlmsghdr, genlmsghdr, attributes. */
struct request_builder {
	u8 buf[80] = {};
	size_t len = nl_hdr;

	request_builder(u16 type, u16 flags, u8 cmd, u32 seq = 1)
	{
		nlmsghdr_u h{0, type, static_cast<u16>(flags | nlm_f_request), seq, 0};
		kstd::copy_bytes(buf, &h, sizeof(h));
		buf[16] = cmd;
		buf[17] = 1; /* version */
	}
	request_builder &put(u16 type, const void *data, u16 n)
	{
		u16 nla_len = static_cast<u16>(4 + n);
		if (len + align4(nla_len) > sizeof(buf))
			return *this; /* the test's own bug: the request lacks it */
		kstd::copy_bytes(buf + len, &nla_len, 2);
		kstd::copy_bytes(buf + len + 2, &type, 2);
		if (n)
			kstd::copy_bytes(buf + len + 4, data, n);
		len += align4(nla_len);
		return *this;
	}
	request_builder &put_u32(u16 type, u32 v) { return put(type, &v, 4); }
	request_builder &put_str(u16 type, const char *s)
	{
		return put(type, s, static_cast<u16>(kstd::string_view(s).size() + 1));
	}
	kstd::span<const u8> bytes()
	{
		u32 l = static_cast<u32>(len);
		kstd::copy_bytes(buf, &l, 4);
		return {buf, len};
	}
};

/* The attributes of one message from offset @off (after the genl header). */
struct attr_view {
	const u8 *p = nullptr;
	size_t n = 0;

	const u8 *find(u16 type, u16 *len = nullptr) const
	{
		size_t off = 0;
		while (off + 4 <= n) {
			u16 l = rd16(p + off), t = rd16(p + off + 2) & 0x3fff;
			if (l < 4 || off + l > n)
				return nullptr;
			if (t == type) {
				if (len)
					*len = static_cast<u16>(l - 4);
				return p + off + 4;
			}
			off += align4(l);
		}
		return nullptr;
	}
	bool has(u16 type) const { return find(type) != nullptr; }
	u32 u32_of(u16 type) const
	{
		const u8 *a = find(type);
		return a ? rd32(a) : 0xdeadbeef;
	}
	u64 u64_of(u16 type) const
	{
		u64 v = ~0ull;
		if (const u8 *a = find(type))
			kstd::copy_bytes(&v, a, 8);
		return v;
	}
	kstd::string_view str_of(u16 type) const
	{
		u16 l = 0;
		const u8 *a = find(type, &l);
		if (!a || !l)
			return {};
		return kstd::string_view(reinterpret_cast<const char *>(a), l - 1);
	}
};

struct reply {
	int err = 1; /* >0: a genl message (no error message); 0 or -errno: an ACK */
	u16 type = 0;
	u16 flags = 0;
	u32 seq = 0;
	u8 cmd = 0;
	attr_view attrs;	   /* of a genl message */
	kstd::string_view ext_msg; /* NLMSGERR_ATTR_MSG of an error */
	u32 miss_type = 0;
};

/* Parse the message at @p (at most @n bytes); returns its aligned length or 0. */
size_t parse_one(const u8 *p, size_t n, reply &r)
{
	if (n < sizeof(nlmsghdr_u))
		return 0;
	nlmsghdr_u h;
	kstd::copy_bytes(&h, p, sizeof(h));
	if (h.len < sizeof(h) || h.len > n)
		return 0;
	r = reply{};
	r.type = h.type;
	r.flags = h.flags;
	r.seq = h.seq;
	if (h.type == nlmsg_error || h.type == nlmsg_done) {
		r.err = static_cast<int>(rd32(p + 16));
		/* capped ACK: int error + the request's nlmsghdr, then TLVs */
		size_t tlv = h.type == nlmsg_error ? 16 + 4 + 16 : 16 + 4;
		if ((h.flags & nlm_f_ack_tlvs) && h.len > tlv) {
			attr_view t{p + tlv, h.len - tlv};
			r.ext_msg = t.str_of(nlmsgerr_attr_msg);
			if (t.has(nlmsgerr_attr_miss_type))
				r.miss_type = t.u32_of(nlmsgerr_attr_miss_type);
		}
	} else if (h.len >= nl_hdr) {
		r.cmd = p[16];
		r.attrs = attr_view{p + nl_hdr, h.len - nl_hdr};
	}
	return align4(h.len);
}

/*
 * 8 KiB, as many netlink users: the core sizes dump skbs by the reader's
 * buffer (up to 32 KiB), so a 1000-entry dump takes about 8 of them, and
 * some end with an entry cut in the middle.
 */
struct rx_buffer {
	u8 b[8192];
};

/* A NETLINK_GENERIC socket of init_net with a receive buffer. */
struct nl_socket {
	::socket *sock = nullptr;
	kstd::unique_ptr<rx_buffer> rx;
	int len = 0;

	static kstd::result<nl_socket> open()
	{
		nl_socket s;
		s.sock = KSTD_TRY(kstd::from_err_ptr(kstd_kunit_genl_open()));
		s.rx = KSTD_TRY(kstd::make_unique<rx_buffer>(kstd::gfp::kernel));
		return s;
	}
	nl_socket() = default;
	nl_socket(nl_socket &&o) noexcept
		: sock(kstd::exchange(o.sock, nullptr)), rx(kstd::move(o.rx)), len(o.len)
	{
	}
	~nl_socket() { kstd_kunit_genl_close(sock); }

	int send(request_builder &b)
	{
		auto bytes = b.bytes();
		return kstd_kunit_genl_send(sock, bytes.data(), bytes.size());
	}
	/* One datagram into rx; its length or -KSTD_EAGAIN. */
	int recv()
	{
		len = kstd_kunit_genl_recv(sock, rx->b, sizeof(rx->b));
		return len;
	}
	/* Send, then the first message of the answer. */
	reply transact(request_builder &b)
	{
		reply r;
		r.err = -999;
		if (send(b) < 0 || recv() <= 0)
			return r;
		parse_one(rx->b, static_cast<size_t>(len), r);
		return r;
	}
};

/* The controller's answer for @name: family id (or -errno) and the id of @group. */
int resolve(nl_socket &s, const char *name, const char *group = nullptr, u32 *group_id = nullptr)
{
	request_builder b(genl_id_ctrl, 0, ctrl_cmd_getfamily);
	b.put_str(ctrl_attr_family_name, name);
	reply r = s.transact(b);
	if (r.err <= 0)
		return r.err ? r.err : -KSTD_EPROTO;
	if (group && group_id) {
		u16 gl = 0;
		const u8 *g = r.attrs.find(ctrl_attr_mcast_groups, &gl);
		attr_view groups{g, g ? gl : 0u};
		for (u16 i = 1; g && i < 16; i++) {
			u16 l = 0;
			const u8 *one = groups.find(i, &l);
			if (!one)
				break;
			attr_view grp{one, l};
			if (grp.str_of(ctrl_attr_mcast_grp_name) == kstd::string_view(group))
				*group_id = grp.u32_of(ctrl_attr_mcast_grp_id);
		}
	}
	return r.attrs.has(ctrl_attr_family_id) ? rd16(r.attrs.find(ctrl_attr_family_id))
						: -KSTD_EPROTO;
}

} // namespace

KSTD_TEST_SUITE(kstd_genetlink);

KSTD_TEST(kstd_genetlink, controller_resolves_family)
{
	auto fam = test_family::create();
	KSTD_ASSERT_OK(fam);
	auto s = nl_socket::open();
	KSTD_ASSERT_OK(s);
	u16 id = (*fam)->genl.id();
	KSTD_EXPECT_GT(id, genl_id_ctrl);
	u32 group = 0;
	KSTD_EXPECT_EQ(resolve(*s, "kstd_test", "kstd_test_ev", &group), id);
	KSTD_EXPECT_GT(group, 0u);
	/* A second family with the same name is refused; the first stays. */
	auto dup = test_family::create();
	KSTD_EXPECT_ERROR(dup, kstd::error::exist());
	KSTD_EXPECT_EQ(resolve(*s, "kstd_test"), id);
}

KSTD_TEST(kstd_genetlink, doit_gets_typed_reply)
{
	auto fam = test_family::create();
	KSTD_ASSERT_OK(fam);
	auto s = nl_socket::open();
	KSTD_ASSERT_OK(s);
	u16 id = (*fam)->genl.id();

	request_builder b(id, 0, C_ECHO, 77);
	u8 blob[4] = {1, 2, 3, 4};
	b.put_u32(A_VALUE, 41)
		.put_str(A_NAME, "hello")
		.put(A_FLAG, nullptr, 0)
		.put(A_BLOB, blob, 4);
	reply r = s->transact(b);
	KSTD_ASSERT_EQ(r.err, 1);
	KSTD_EXPECT_EQ(r.type, id);
	KSTD_EXPECT_EQ(r.seq, 77u);
	KSTD_EXPECT_EQ(r.cmd, C_ECHO);
	KSTD_EXPECT_EQ(r.attrs.u32_of(A_VALUE), 42u);
	KSTD_EXPECT(r.attrs.str_of(A_NAME) == "hello");
	KSTD_EXPECT_EQ(r.attrs.u64_of(A_BIG), 41ull << 32);
	KSTD_EXPECT(r.attrs.has(A_FLAG));
	u16 bl = 0;
	const u8 *rb = r.attrs.find(A_BLOB, &bl);
	KSTD_EXPECT(rb && bl == 4 && kstd::equal_bytes(rb, blob, 4));
	KSTD_EXPECT_EQ((*fam)->echo_calls, 1);

	/* Optional attributes absent: the fallback, no flag. */
	request_builder b2(id, 0, C_ECHO);
	b2.put_u32(A_VALUE, 1);
	r = s->transact(b2);
	KSTD_ASSERT_EQ(r.err, 1);
	KSTD_EXPECT(r.attrs.str_of(A_NAME) == "anonymous");
	KSTD_EXPECT(!r.attrs.has(A_FLAG));
	KSTD_EXPECT(!r.attrs.has(A_BLOB));
	/* With NLM_F_ACK: the reply, then an ACK of 0. */
	request_builder b3(id, nlm_f_ack, C_ECHO);
	b3.put_u32(A_VALUE, 5);
	r = s->transact(b3);
	KSTD_EXPECT_EQ(r.attrs.u32_of(A_VALUE), 6u);
	KSTD_ASSERT_GT(s->recv(), 0);
	parse_one(s->rx->b, static_cast<size_t>(s->len), r);
	KSTD_EXPECT_EQ(r.type, nlmsg_error);
	KSTD_EXPECT_EQ(r.err, 0);
}

KSTD_TEST(kstd_genetlink, policy_rejects_bad_attributes)
{
	auto fam = test_family::create();
	KSTD_ASSERT_OK(fam);
	auto s = nl_socket::open();
	KSTD_ASSERT_OK(s);
	u16 id = (*fam)->genl.id();

	/* Missing required attribute: the getter's -KSTD_EINVAL, message, missing id. */
	request_builder missing(id, 0, C_ECHO);
	reply r = s->transact(missing);
	KSTD_EXPECT_EQ(r.type, nlmsg_error);
	KSTD_EXPECT_EQ(r.err, -KSTD_EINVAL);
	KSTD_EXPECT(r.ext_msg == "missing attribute");
	KSTD_EXPECT_EQ(r.miss_type, A_VALUE);

	/* A 16-character name for nla_string<15>: rejected before the handler. */
	int calls = (*fam)->echo_calls;
	request_builder longname(id, 0, C_ECHO);
	longname.put_u32(A_VALUE, 1).put_str(A_NAME, "sixteen-chars-xx");
	r = s->transact(longname);
	KSTD_EXPECT_EQ(r.type, nlmsg_error);
	KSTD_EXPECT_EQ(r.err, -KSTD_EINVAL);
	KSTD_EXPECT_GT(r.ext_msg.size(), 0u);
	/* 15 characters fit. */
	request_builder fits(id, 0, C_ECHO);
	fits.put_u32(A_VALUE, 1).put_str(A_NAME, "fifteen-chars-x");
	r = s->transact(fits);
	KSTD_EXPECT_EQ(r.err, 1);
	KSTD_EXPECT(r.attrs.str_of(A_NAME) == "fifteen-chars-x");

	/* A u32 attribute of 2 bytes. */
	request_builder shortval(id, 0, C_ECHO);
	u16 two = 7;
	shortval.put(A_VALUE, &two, 2);
	r = s->transact(shortval);
	KSTD_EXPECT_EQ(r.type, nlmsg_error);
	KSTD_EXPECT_EQ(r.err, -KSTD_EINVAL);
	KSTD_EXPECT_GT(r.ext_msg.size(), 0u);
	/* 3 bytes for nla_exact<4>: a length range check, so -ERANGE. */
	request_builder shortblob(id, 0, C_ECHO);
	u8 three[3] = {};
	shortblob.put_u32(A_VALUE, 1).put(A_BLOB, three, 3);
	r = s->transact(shortblob);
	KSTD_EXPECT_EQ(r.err, -KSTD_ERANGE);
	KSTD_EXPECT_GT(r.ext_msg.size(), 0u);
	/* An id the family does not declare. */
	request_builder unknown(id, 0, C_ECHO);
	unknown.put_u32(A_VALUE, 1).put_u32(9, 1);
	r = s->transact(unknown);
	KSTD_EXPECT_EQ(r.err, -KSTD_EINVAL);
	KSTD_EXPECT_GT(r.ext_msg.size(), 0u);
	/* The handler only ran for the valid ones. */
	KSTD_EXPECT_EQ((*fam)->echo_calls, calls + 1);
}

KSTD_TEST(kstd_genetlink, handler_errno_reaches_sender)
{
	auto fam = test_family::create();
	KSTD_ASSERT_OK(fam);
	auto s = nl_socket::open();
	KSTD_ASSERT_OK(s);
	request_builder b((*fam)->genl.id(), 0, C_ECHO);
	b.put_u32(A_VALUE, 13);
	reply r = s->transact(b);
	KSTD_EXPECT_EQ(r.type, nlmsg_error);
	KSTD_EXPECT_EQ(r.err, -KSTD_EIO);
	KSTD_EXPECT(r.ext_msg == "unlucky value");
	/* No reply message was queued besides the error. */
	KSTD_EXPECT_EQ(s->recv(), -KSTD_EAGAIN);
	/* An unknown command of the family. */
	request_builder bad((*fam)->genl.id(), 0, 42);
	r = s->transact(bad);
	KSTD_EXPECT_EQ(r.err, -KSTD_EOPNOTSUPP);
}

KSTD_TEST(kstd_genetlink, dump_crosses_recvs_in_order)
{
	auto fam = test_family::create();
	KSTD_ASSERT_OK(fam);
	auto s = nl_socket::open();
	KSTD_ASSERT_OK(s);
	request_builder b((*fam)->genl.id(), nlm_f_dump, C_LIST, 99);
	KSTD_ASSERT_GT(s->send(b), 0);

	unsigned long next = 0;
	int recvs = 0, done = 0, bad = 0;
	while (!done && recvs < 200) {
		if (s->recv() <= 0)
			break;
		recvs++;
		size_t off = 0;
		reply r;
		while (size_t n = parse_one(s->rx->b + off, static_cast<size_t>(s->len) - off, r)) {
			off += n;
			if (r.type == nlmsg_done) {
				done = 1;
				KSTD_EXPECT_EQ(r.err, 0);
				break;
			}
			if (r.type != (*fam)->genl.id() || !(r.flags & nlm_f_multi) ||
			    r.seq != 99 || r.attrs.u32_of(A_INDEX) != next ||
			    r.attrs.u64_of(A_BIG) != next * 3 ||
			    !(r.attrs.str_of(A_NAME) == entry_name(next)))
				bad++;
			next++;
		}
	}
	KSTD_EXPECT(done);
	KSTD_EXPECT_EQ(bad, 0);
	KSTD_EXPECT_EQ(next, dump_entries);
	/* 1000 entries of about 56 bytes do not fit one skb: the handler resumed. */
	KSTD_EXPECT_GE(recvs, 3);
	KSTD_EXPECT_GE((*fam)->dump_calls, 3);
	KSTD_EXPECT_EQ(s->recv(), -KSTD_EAGAIN);
}

KSTD_TEST(kstd_genetlink, notify_reaches_group_members)
{
	auto fam = test_family::create();
	KSTD_ASSERT_OK(fam);
	auto member = nl_socket::open();
	auto other = nl_socket::open();
	KSTD_ASSERT_OK(member);
	KSTD_ASSERT_OK(other);
	u32 group = 0;
	KSTD_ASSERT_EQ(resolve(*member, "kstd_test", "kstd_test_ev", &group), (*fam)->genl.id());
	KSTD_ASSERT_EQ(kstd_kunit_genl_join(member->sock, group), 0);

	/* From a module: straight to the group. */
	auto r = (*fam)->genl.notify(
		kstd_kunit_init_net(), 0, C_NOTIFY, kstd::gfp::kernel,
		[](kstd::genl::message<attrs> &m) { return m.put<A_VALUE>(1234); });
	KSTD_EXPECT_OK(r);
	KSTD_ASSERT_GT(member->recv(), 0);
	reply n;
	parse_one(member->rx->b, static_cast<size_t>(member->len), n);
	KSTD_EXPECT_EQ(n.type, (*fam)->genl.id());
	KSTD_EXPECT_EQ(n.cmd, C_NOTIFY);
	KSTD_EXPECT_EQ(n.attrs.u32_of(A_VALUE), 1234u);
	KSTD_EXPECT_EQ(other->recv(), -KSTD_EAGAIN);

	/* From a handler, in the sender's namespace. */
	request_builder b((*fam)->genl.id(), 0, C_NOTIFY);
	b.put_u32(A_VALUE, 99);
	reply ack = other->transact(b);
	KSTD_EXPECT_EQ(ack.err, 1); /* the (empty) reply */
	KSTD_ASSERT_GT(member->recv(), 0);
	parse_one(member->rx->b, static_cast<size_t>(member->len), n);
	KSTD_EXPECT_EQ(n.attrs.u32_of(A_VALUE), 99u);

	/* A fill that fails sends nothing; an unknown group is refused. */
	auto failed = (*fam)->genl.notify(kstd_kunit_init_net(), 0, C_NOTIFY, kstd::gfp::kernel,
					  [](kstd::genl::message<attrs> &) -> kstd::result<void> {
						  return kstd::error::nodata();
					  });
	KSTD_EXPECT_ERROR(failed, kstd::error::nodata());
	auto nogroup = (*fam)->genl.notify(
		kstd_kunit_init_net(), 1, C_NOTIFY, kstd::gfp::kernel,
		[](kstd::genl::message<attrs> &m) { return m.put<A_VALUE>(1); });
	KSTD_EXPECT_ERROR(nogroup, kstd::error::inval());
	KSTD_EXPECT_EQ(member->recv(), -KSTD_EAGAIN);
}

KSTD_TEST(kstd_genetlink, unregistered_family_is_gone)
{
	auto fam = test_family::create();
	KSTD_ASSERT_OK(fam);
	auto s = nl_socket::open();
	KSTD_ASSERT_OK(s);
	u16 id = (*fam)->genl.id();
	KSTD_ASSERT_EQ(resolve(*s, "kstd_test"), id);

	(*fam)->genl.reset();
	KSTD_EXPECT(!(*fam)->genl);
	KSTD_EXPECT_EQ(resolve(*s, "kstd_test"), -KSTD_ENOENT);
	request_builder b(id, 0, C_ECHO);
	b.put_u32(A_VALUE, 1);
	reply r = s->transact(b);
	KSTD_EXPECT_EQ(r.type, nlmsg_error);
	KSTD_EXPECT_LT(r.err, 0);
	KSTD_EXPECT_EQ((*fam)->echo_calls, 0);

	/* The name is free again. */
	auto again = test_family::create();
	KSTD_ASSERT_OK(again);
	KSTD_EXPECT_EQ(resolve(*s, "kstd_test"), (*again)->genl.id());
}

KSTD_TEST(kstd_genetlink, paused_dump_ends_after_unregister)
{
	auto fam = test_family::create();
	KSTD_ASSERT_OK(fam);
	auto s = nl_socket::open();
	KSTD_ASSERT_OK(s);
	request_builder b((*fam)->genl.id(), nlm_f_dump, C_LIST);
	KSTD_ASSERT_GT(s->send(b), 0);
	KSTD_ASSERT_GT(s->recv(), 0); /* the first part */
	int calls = (*fam)->dump_calls;

	(*fam)->genl.reset(); /* the dump is paused: it must not call us again */
	int err = 1;
	for (int i = 0; i < 10 && err > 0; i++) {
		if (s->recv() <= 0)
			break;
		reply r;
		size_t off = 0;
		while (size_t n = parse_one(s->rx->b + off, static_cast<size_t>(s->len) - off, r)) {
			off += n;
			if (r.type == nlmsg_done || r.type == nlmsg_error)
				err = r.err;
		}
	}
	KSTD_EXPECT_EQ(err, -KSTD_ENOENT);
	KSTD_EXPECT_EQ((*fam)->dump_calls, calls);

	/* Families keep being created and destroyed past the module's 8 slots. */
	for (int i = 0; i < 12; i++) {
		auto f = test_family::create("kstd_test_loop");
		KSTD_ASSERT_OK(f);
	}
}

KSTD_TEST(kstd_genetlink, create_refuses_bad_tables)
{
	struct owner {
		kstd::result<void> h(const kstd::genl::request<attrs> &,
				     kstd::genl::message<attrs> &)
		{
			return {};
		}
	} o;
	static constexpr kstd::genl::command<owner, attrs> one[] = {
		kstd::genl::doit<&owner::h>(1, kstd::genl::perm::none),
	};
	static constexpr kstd::genl::command<owner, attrs> twice[] = {
		kstd::genl::doit<&owner::h>(1, kstd::genl::perm::none),
		kstd::genl::doit<&owner::h>(1, kstd::genl::perm::none),
	};
	static constexpr const char *long_group[] = {"a-group-name-too-long"};
	using fam = kstd::genl::family<owner, attrs>;
	KSTD_EXPECT_ERROR(fam::create(o, "", 1, one), kstd::error::inval());
	KSTD_EXPECT_ERROR(fam::create(o, "sixteen-chars-xx", 1, one), kstd::error::inval());
	KSTD_EXPECT_ERROR(fam::create(o, "kstd_t", 1, {}), kstd::error::inval());
	KSTD_EXPECT_ERROR(fam::create(o, "kstd_t", 1, one, long_group), kstd::error::inval());
	KSTD_EXPECT(!fam::create(o, "kstd_t", 1, twice));
	auto ok = fam::create(o, "kstd_t", 1, one);
	KSTD_EXPECT_OK(ok);
}

KSTD_TEST_SUITE_END(kstd_genetlink);
