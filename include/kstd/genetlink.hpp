// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file genetlink.hpp
 * @brief kstd::genl: a generic netlink family with typed attributes,
 *        commands, dumps and multicast groups.
 *
 * A family is declared in three parts, all checked by the compiler:
 *
 *  - its attributes, `kstd::genl::attributes<attr<ID, kind>...>`: each id
 *    gets a kind (nla_u8 ... nla_u64, nla_flag, nla_string<max>,
 *    nla_binary<max>, nla_exact<n>), from which the kernel's nla_policy is
 *    derived (the table is a constexpr of the attributes type; no code runs
 *    to build it).  Ids not declared, and id 0, are rejected (NLA_REJECT);
 *    so are unknown ids above the largest, since the core validates
 *    strictly.  The core has checked every attribute against its policy
 *    before a handler runs (an integer of the wrong length, a string
 *    without its NUL within max + 1 bytes, an undeclared id: -EINVAL; an
 *    nla_exact of another length: -ERANGE; each with an extack message);
 *  - its commands, a constexpr table of `kstd::genl::doit<&Owner::fn>(cmd,
 *    perm)` and `kstd::genl::dumpit<&Owner::fn>(cmd, perm)`, whose handlers
 *    are member functions of the owner that get a typed request view
 *    (getters by attribute id, the netns, the sender's capability) and a
 *    typed reply builder;
 *  - kstd::genl::family<Owner, Attrs>::create(): name, version, owner,
 *    commands, multicast group names.  It registers; the destructor
 *    unregisters.
 *
 * Errors reach user space as the netlink error of the request (the ACK's
 * errno): a handler's kstd::error, or -EINVAL from a getter whose
 * attribute is missing (with "missing attribute" in the extack and the id
 * in NLMSGERR_ATTR_MISS_TYPE).  A doit's reply is always sent when the
 * handler succeeds, with the command's own number, even if the handler put
 * no attribute in it.
 *
 * Permissions, per command (checked by the genetlink core before the
 * handler runs, -EPERM otherwise):
 *  - perm::admin is GENL_ADMIN_PERM: netlink_capable(skb, CAP_NET_ADMIN),
 *    CAP_NET_ADMIN in the initial user namespace, as for the kernel's own
 *    families that configure the host (e.g. devlink, ethtool's sets);
 *  - perm::netns_admin is GENL_UNS_ADMIN_PERM: netlink_ns_capable(skb,
 *    net->user_ns, CAP_NET_ADMIN), CAP_NET_ADMIN over the sender's network
 *    namespace, as rtnetlink's RTM_NEWLINK or a /proc/net file that checks
 *    ns_capable() against the namespace it serves;
 *  - perm::none: anyone.
 *
 * Namespaces: the family is netnsok: it exists in every network namespace,
 * request.net() is the sender's, a dump's too, and notify() sends to
 * listeners of one namespace.
 *
 * Lifetime: the owner must outlive the family (declare the family last in
 * the owner, so it is destroyed first).  Destroying the family unregisters
 * it: new requests fail with -ENOENT from the controller, the destructor
 * waits for doit handlers already running, and a dump paused between two
 * recv() calls ends with -ENOENT at its next call without calling its
 * handler again.  At module unload no dump can be in progress (a dump
 * holds a reference on the module until it ends or its socket closes).
 * A module has at most 8 families at a time.
 *
 * Locking: the core runs every handler of these families under its
 * genl_lock(), so handlers of all kstd families (and of the kernel's
 * non-parallel ones) never run at the same time.  Context of the handlers:
 * process context, may sleep.
 *
 * @code
 * enum : u16 { ATTR_UNSPEC, ATTR_NAME, ATTR_PORT, ATTR_COUNT };
 * enum : u8 { CMD_UNSPEC, CMD_DROP, CMD_LIST };
 * using attrs = kstd::genl::attributes<
 *         kstd::genl::attr<ATTR_NAME, kstd::genl::nla_string<15>>,
 *         kstd::genl::attr<ATTR_PORT, kstd::genl::nla_u16>,
 *         kstd::genl::attr<ATTR_COUNT, kstd::genl::nla_u32>>;
 *
 * struct dropper {
 *         using genl_family = kstd::genl::family<dropper, attrs>;
 *         genl_family genl; // the last member: destroyed first
 *
 *         kstd::result<void> drop(const kstd::genl::request<attrs> &req,
 *                                 kstd::genl::message<attrs> &reply)
 *         {
 *                 u16 port = KSTD_TRY(req.get<ATTR_PORT>()); // -EINVAL if absent
 *                 u32 dropped = port == 7 ? 3 : 0;            // the real work
 *                 return reply.put<ATTR_COUNT>(dropped);
 *         }
 *         kstd::result<void> list(const kstd::genl::request<attrs> &,
 *                                 kstd::genl::dump<attrs> &out)
 *         {
 *                 for (unsigned long i = out.cursor(); i < 1000; i++) {
 *                         auto entry = KSTD_TRY(out.begin()); // full: resumes at i
 *                         KSTD_TRY(entry.put<ATTR_COUNT>(static_cast<u32>(i)));
 *                         out.commit(kstd::move(entry), i + 1);
 *                 }
 *                 return {};
 *         }
 *
 *         static constexpr kstd::genl::command<dropper, attrs> commands[] = {
 *                 kstd::genl::doit<&dropper::drop>(CMD_DROP, kstd::genl::perm::netns_admin),
 *                 kstd::genl::dumpit<&dropper::list>(CMD_LIST, kstd::genl::perm::none),
 *         };
 *         static constexpr const char *groups[] = {"events"};
 *
 *         static kstd::result<kstd::unique_ptr<dropper>> create()
 *         {
 *                 auto self = KSTD_TRY(kstd::make_unique<dropper>(kstd::gfp::kernel));
 *                 self->genl = KSTD_TRY(genl_family::create(*self, "dropper", 1, commands, groups));
 *                 return self;
 *         }
 * };
 * @endcode
 */
#ifndef KSTD_GENETLINK_HPP
#define KSTD_GENETLINK_HPP

#include <kstd/bindings.h>
#include <kstd/bytes.hpp>
#include <kstd/log.hpp>
#include <kstd/memory.hpp>
#include <kstd/result.hpp>
#include <kstd/span.hpp>
#include <kstd/string.hpp>
#include <kstd/types.hpp>
#include <kstd/utility.hpp>

namespace kstd::genl {

/** Who may run a command (see the file comment for the kernel's checks). */
enum class perm : u8 {
	none = KSTD_GENL_PERM_NONE,		///< anyone
	admin = KSTD_GENL_PERM_ADMIN,		///< GENL_ADMIN_PERM
	netns_admin = KSTD_GENL_PERM_UNS_ADMIN, ///< GENL_UNS_ADMIN_PERM
};

/**
 * @name Attribute kinds
 * The second argument of attr<>: the policy the core validates with and
 * the C++ type that request::get() returns and message::put() takes.
 * @{
 */
/** NLA_U8, as u8. */
struct nla_u8 {
	using type = u8; /**< what request::get() returns */
	static constexpr kstd_genl_attr_policy policy{KSTD_GENL_U8, 0}; /**< its policy entry */
};
/** NLA_U16, as u16 (host order). */
struct nla_u16 {
	using type = u16; /**< what request::get() returns */
	static constexpr kstd_genl_attr_policy policy{KSTD_GENL_U16, 0}; /**< its policy entry */
};
/** NLA_U32, as u32 (host order). */
struct nla_u32 {
	using type = u32; /**< what request::get() returns */
	static constexpr kstd_genl_attr_policy policy{KSTD_GENL_U32, 0}; /**< its policy entry */
};
/** NLA_U64, as u64 (host order; put() pads it to 8 bytes with attribute 0). */
struct nla_u64 {
	using type = u64; /**< what request::get() returns */
	static constexpr kstd_genl_attr_policy policy{KSTD_GENL_U64, 0}; /**< its policy entry */
};
/** NLA_FLAG: present or not (request::has(), message::put_flag()). */
struct nla_flag {
	using type = bool; /**< what request::get() returns */
	static constexpr kstd_genl_attr_policy policy{KSTD_GENL_FLAG, 0}; /**< its policy entry */
};
/** NLA_NUL_STRING of at most @p Max characters before its NUL, as string_view. */
template <u16 Max>
struct nla_string {
	static_assert(Max > 0, "nla_string<0>");
	using type = string_view; /**< what request::get() returns */
	static constexpr kstd_genl_attr_policy policy{KSTD_GENL_STRING,
						      Max}; /**< its policy entry */
};
/** NLA_BINARY of at most @p Max bytes, as span<const u8>. */
template <u16 Max>
struct nla_binary {
	static_assert(Max > 0, "nla_binary<0>");
	using type = span<const u8>; /**< what request::get() returns */
	static constexpr kstd_genl_attr_policy policy{KSTD_GENL_BINARY,
						      Max}; /**< its policy entry */
};
/**
 * Exactly @p N bytes (NLA_POLICY_EXACT_LEN), as span<const u8>.  Another
 * length is refused with -ERANGE (a range check of the length), not -EINVAL.
 */
template <u16 N>
struct nla_exact {
	static_assert(N > 0, "nla_exact<0>");
	using type = span<const u8>; /**< what request::get() returns */
	static constexpr kstd_genl_attr_policy policy{KSTD_GENL_EXACT, N}; /**< its policy entry */
};
/** @} */

/** Attribute @p Id (1 ... 255) is of kind @p Kind. */
template <u16 Id, class Kind>
struct attr {
	static_assert(Id > 0 && Id <= 255, "attribute ids are 1 ... 255 (0 is NLA_UNSPEC)");
	static constexpr u16 id = Id; /**< the attribute id */
	using kind = Kind;	      /**< its kind (nla_u32 ...) */
};

namespace detail {
template <u16 Id, class... A>
struct kind_of {
	using type = void;
};
template <u16 Id, class K, class... Rest>
struct kind_of<Id, attr<Id, K>, Rest...> {
	using type = K;
};
template <u16 Id, u16 Other, class K, class... Rest>
struct kind_of<Id, attr<Other, K>, Rest...> : kind_of<Id, Rest...> {
};

template <class... A>
constexpr bool unique_ids()
{
	constexpr u16 ids[] = {A::id...};
	for (size_t i = 0; i < sizeof...(A); i++)
		for (size_t j = i + 1; j < sizeof...(A); j++)
			if (ids[i] == ids[j])
				return false;
	return true;
}
} // namespace detail

/**
 * A family's attributes: `attributes<attr<1, nla_u32>, attr<2, nla_flag>>`.
 * Ids must be unique; the policy table has an entry per id up to the
 * largest, built at compile time.
 *
 * @noop example runs as a KUnit case
 * @code
 * using a = kstd::genl::attributes<kstd::genl::attr<2, kstd::genl::nla_u32>,
 *                                  kstd::genl::attr<5, kstd::genl::nla_string<15>>>;
 * static_assert(a::max_id == 5);
 * static_assert(a::table.entries[2].kind == KSTD_GENL_U32);
 * static_assert(a::table.entries[3].kind == KSTD_GENL_REJECT); // not declared
 * static_assert(a::table.entries[5].len == 15);
 * @endcode
 */
template <class... A>
struct attributes {
	static_assert(sizeof...(A) > 0, "a family needs at least one attribute");
	static_assert(detail::unique_ids<A...>(), "attribute ids must be unique");

	/** The largest id: the family's maxattr. */
	static constexpr u16 max_id = [] {
		u16 m = 0;
		((m = A::id > m ? A::id : m), ...);
		return m;
	}();

	/** The kind of attribute @p Id (void if not declared). */
	template <u16 Id>
	using kind_of = typename detail::kind_of<Id, A...>::type;

	/** The policy, one entry per id 0 ... max_id. */
	struct policy_table {
		kstd_genl_attr_policy entries[max_id + 1]; /**< indexed by attribute id */
	};
	/** Built at compile time: what kstd_genl_family_alloc() translates. */
	static constexpr policy_table table = [] {
		policy_table t{};
		((t.entries[A::id] = A::kind::policy), ...);
		return t;
	}();
};

/**
 * The attributes of a request, after the core validated them against the
 * policy.  A view: valid during the handler call it was passed to.
 */
template <class Attrs>
class request {
public:
	/// @cond internal
	explicit request(const kstd_genl_req *r) noexcept : r_(r) {}
	/// @endcond
	request(const request &) = delete;
	request &operator=(const request &) = delete;

	/** Does the request carry attribute @p Id?  The way to read an nla_flag. */
	template <u16 Id>
	[[nodiscard]] bool has() const noexcept
	{
		static_assert(!is_same_v<typename Attrs::template kind_of<Id>, void>,
			      "attribute id not declared in the family's attributes");
		unsigned int len;
		return kstd_genl_req_attr(r_, Id, &len) != nullptr;
	}

	/**
	 * Attribute @p Id, typed by its kind: u8 ... u64, string_view (without
	 * the NUL), span<const u8>.  Missing: -EINVAL, with "missing
	 * attribute" and the id in the extack; so KSTD_TRY(req.get<ID>()) is a
	 * required attribute.  A string_view or span points into the request:
	 * copy what must outlive the handler.
	 *
	 * @noop example(const kstd::genl::request<kstd::genl::attributes<kstd::genl::attr<1, kstd::genl::nla_u32>>> &req)
	 * @code
	 * u32 limit = KSTD_TRY(req.get<1>());
	 * kstd_pr_info("limit %u\n", limit);
	 * @endcode
	 */
	template <u16 Id>
	[[nodiscard]] result<typename Attrs::template kind_of<Id>::type> get() const noexcept
	{
		using kind = typename Attrs::template kind_of<Id>;
		static_assert(!is_same_v<kind, void>,
			      "attribute id not declared in the family's attributes");
		static_assert(!is_same_v<kind, nla_flag>, "read an nla_flag with has<Id>()");
		unsigned int len = 0;
		const void *p = kstd_genl_req_attr(r_, Id, &len);
		if (!p) {
			kstd_genl_req_set_err(r_, "missing attribute", Id);
			return error::inval();
		}
		return decode<kind>(p, len);
	}

	/** Attribute @p Id, or @p fallback when the request has none. */
	template <u16 Id>
	[[nodiscard]] typename Attrs::template kind_of<Id>::type
	get_or(typename Attrs::template kind_of<Id>::type fallback) const noexcept
	{
		using kind = typename Attrs::template kind_of<Id>;
		static_assert(!is_same_v<kind, nla_flag>, "read an nla_flag with has<Id>()");
		unsigned int len = 0;
		const void *p = kstd_genl_req_attr(r_, Id, &len);
		return p ? decode<kind>(p, len) : fallback;
	}

	/**
	 * Put @p msg (a string literal: the kernel keeps the pointer) in the
	 * extack of the reply, for a handler about to fail with an error.
	 *
	 * @noop example(const kstd::genl::request<kstd::genl::attributes<kstd::genl::attr<1, kstd::genl::nla_u32>>> &req)
	 * @code
	 * if (req.get_or<1>(0) > 100) {
	 *         req.set_error_message("limit above 100");
	 *         return kstd::error::range();
	 * }
	 * @endcode
	 */
	template <size_t N>
	void set_error_message(const char (&msg)[N]) const noexcept
	{
		kstd_genl_req_set_err(r_, msg, 0);
	}

	/** The sender's network namespace (alive during the handler). */
	[[nodiscard]] ::net *net() const noexcept { return r_->net; }
	/** The sender's netlink port id (0 for the kernel). */
	[[nodiscard]] u32 portid() const noexcept { return r_->portid; }
	/**
	 * Has the sender CAP_NET_ADMIN over net()'s user namespace (what
	 * perm::netns_admin checks)?  For a handler whose finer rules depend on
	 * its attributes.
	 */
	[[nodiscard]] bool net_admin() const noexcept { return kstd_genl_req_net_admin(r_) != 0; }

private:
	template <class Kind>
	static typename Kind::type decode(const void *p, unsigned int len) noexcept
	{
		using T = typename Kind::type;
		if constexpr (is_same_v<T, string_view>) {
			// SAFETY: the policy (NLA_NUL_STRING) guaranteed a NUL within
			// the attribute's len bytes.
			const char *s = static_cast<const char *>(p);
			size_t n = 0;
			while (n < len && s[n])
				n++;
			return string_view(s, n);
		} else if constexpr (is_same_v<T, span<const u8>>) {
			return span<const u8>(static_cast<const u8 *>(p), len);
		} else {
			// SAFETY: the policy checked the length of an integer
			// attribute; copy (the payload is only 4-byte aligned).
			T v = 0;
			copy_bytes(&v, p, len < sizeof(T) ? len : sizeof(T));
			return v;
		}
	}

	const kstd_genl_req *r_;
};

/**
 * A message being built: a doit's reply, a dump entry, a notification.
 * Every put() fails with -EMSGSIZE when the message's skb is full (the
 * attribute is then not in it).  Any context; the message belongs to the
 * handler or notify() call it was passed to.
 */
template <class Attrs>
class message {
public:
	/// @cond internal
	message(::sk_buff *skb, void *hdr) noexcept : skb_(skb), hdr_(hdr) {}
	/// @endcond
	message(const message &) = delete;
	message &operator=(const message &) = delete;

	/**
	 * Add attribute @p Id with value @p v, of its kind's type.  A string
	 * longer than the kind's maximum, or binary data of a wrong length:
	 * -EINVAL (user space parses with the same policy).
	 *
	 * @noop example(kstd::genl::message<kstd::genl::attributes<kstd::genl::attr<1, kstd::genl::nla_u32>, kstd::genl::attr<2, kstd::genl::nla_string<15>>>> &reply)
	 * @code
	 * KSTD_TRY(reply.put<1>(42));
	 * KSTD_TRY(reply.put<2>("eth0"));
	 * @endcode
	 */
	template <u16 Id>
	[[nodiscard]] result<void> put(typename Attrs::template kind_of<Id>::type v) noexcept
	{
		using kind = typename Attrs::template kind_of<Id>;
		using T = typename kind::type;
		static_assert(!is_same_v<kind, void>,
			      "attribute id not declared in the family's attributes");
		static_assert(!is_same_v<kind, nla_flag>, "add an nla_flag with put_flag<Id>()");
		int err;
		if constexpr (is_same_v<T, string_view>) {
			if (v.size() > kind::policy.len)
				return error::inval();
			err = kstd_genl_put_string(skb_, Id, v.data(),
						   static_cast<unsigned int>(v.size()));
		} else if constexpr (is_same_v<T, span<const u8>>) {
			if (kind::policy.kind == KSTD_GENL_EXACT ? v.size() != kind::policy.len
								 : v.size() > kind::policy.len)
				return error::inval();
			err = kstd_genl_put(skb_, Id, static_cast<unsigned int>(v.size()),
					    v.data());
		} else if constexpr (is_same_v<T, u64>) {
			err = kstd_genl_put_u64(skb_, Id, v);
		} else {
			err = kstd_genl_put(skb_, Id, sizeof(T), &v);
		}
		if (err)
			return error::from_errno(err);
		return {};
	}

	/** Add the nla_flag @p Id (present means set). */
	template <u16 Id>
	[[nodiscard]] result<void> put_flag() noexcept
	{
		static_assert(is_same_v<typename Attrs::template kind_of<Id>, nla_flag>,
			      "put_flag<Id>() takes an nla_flag attribute");
		int err = kstd_genl_put(skb_, Id, 0, nullptr);
		if (err)
			return error::from_errno(err);
		return {};
	}

protected:
	::sk_buff *skb_; /**< the skb the message is built in (not owned) */
	void *hdr_;	 /**< its genetlink header; null once cancelled */
};

/**
 * One message of a dump, from dump::begin().  Move-only; dropped without
 * dump::commit() it is taken out of the skb again (genlmsg_cancel()).
 */
template <class Attrs>
class [[nodiscard]] dump_entry : public message<Attrs> {
public:
	/// @cond internal
	dump_entry(::sk_buff *skb, void *hdr) noexcept : message<Attrs>(skb, hdr) {}
	/// @endcond
	/** Takes over @p o's message; @p o no longer cancels it. */
	dump_entry(dump_entry &&o) noexcept : message<Attrs>(o.skb_, exchange(o.hdr_, nullptr)) {}
	dump_entry &operator=(dump_entry &&) = delete;
	~dump_entry()
	{
		if (this->hdr_)
			kstd_genl_msg_cancel(this->skb_, this->hdr_);
	}

private:
	template <class>
	friend class dump;
};

/**
 * A dump in progress.  The handler is called once per skb the netlink
 * core fills (once per recv() of the requester, roughly): it adds entries
 * from cursor() on and commits each with the cursor of the next one.  When
 * the skb is full, begin() or a put() fails with -EMSGSIZE; the handler
 * returns that error (KSTD_TRY), the committed entries go out and the next
 * call starts from the last committed cursor.  Returning success ends the
 * dump (NLMSG_DONE after what was committed); any other error ends it with
 * that error.  An entry that does not fit an empty skb ends the dump with
 * -EMSGSIZE.
 */
template <class Attrs>
class dump {
public:
	/// @cond internal
	explicit dump(kstd_genl_dump *d) noexcept : d_(d) {}
	/// @endcond
	dump(const dump &) = delete;
	dump &operator=(const dump &) = delete;

	/** Where to resume: 0 at the first call, then what commit() stored. */
	[[nodiscard]] unsigned long cursor() const noexcept { return d_->cursor; }

	/** Start the next entry; -EMSGSIZE when the skb is full. */
	[[nodiscard]] result<dump_entry<Attrs>> begin() noexcept
	{
		void *hdr = kstd_genl_dump_begin(d_);
		if (!hdr)
			return error::msgsize();
		return dump_entry<Attrs>(d_->skb, hdr);
	}

	/**
	 * Finish @p e (it goes out with this skb) and remember @p next: the
	 * cursor() of the call that continues after it.
	 *
	 * @noop example(kstd::genl::dump<kstd::genl::attributes<kstd::genl::attr<1, kstd::genl::nla_u32>>> &out)
	 * @code
	 * for (unsigned long i = out.cursor(); i < 10; i++) {
	 *         auto e = KSTD_TRY(out.begin());
	 *         KSTD_TRY(e.put<1>(static_cast<u32>(i * i)));
	 *         out.commit(kstd::move(e), i + 1);
	 * }
	 * @endcode
	 */
	void commit(dump_entry<Attrs> &&e, unsigned long next) noexcept
	{
		kstd_genl_msg_end(e.skb_, exchange(e.hdr_, nullptr));
		d_->cursor = next;
	}

private:
	kstd_genl_dump *d_;
};

/**
 * One command of a family: build it with doit<>() or dumpit<>() in a
 * constexpr table.
 */
template <class Owner, class Attrs>
struct command {
	/// @cond internal
	kstd_genl_cmd raw;
	/// @endcond
};

namespace detail {
template <class F>
struct handler;
template <class O, class A>
struct handler<result<void> (O::*)(const request<A> &, message<A> &)> {
	using owner = O;
	using attrs = A;
};
template <class O, class A>
struct handler<result<void> (O::*)(const request<A> &, message<A> &) noexcept>
	: handler<result<void> (O::*)(const request<A> &, message<A> &)> {
};
template <class O, class A>
struct handler<result<void> (O::*)(const request<A> &, dump<A> &)> {
	using owner = O;
	using attrs = A;
};
template <class O, class A>
struct handler<result<void> (O::*)(const request<A> &, dump<A> &) noexcept>
	: handler<result<void> (O::*)(const request<A> &, dump<A> &)> {
};

template <auto Fn>
int doit_trampoline(void *owner, const kstd_genl_req *req, ::sk_buff *reply, void *hdr) noexcept
{
	using h = handler<decltype(Fn)>;
	// SAFETY: owner is the Owner & given to family<Owner, Attrs>::create(),
	// whose command table holds only command<Owner, Attrs>, so Fn is a
	// member of Owner; the family is destroyed before the owner.
	auto &o = *static_cast<typename h::owner *>(owner);
	const request<typename h::attrs> rq(req);
	message<typename h::attrs> m(reply, hdr);
	return (o.*Fn)(rq, m).to_errno();
}

template <auto Fn>
int dumpit_trampoline(void *owner, const kstd_genl_req *req, kstd_genl_dump *d) noexcept
{
	using h = handler<decltype(Fn)>;
	// SAFETY: as in doit_trampoline().
	auto &o = *static_cast<typename h::owner *>(owner);
	const request<typename h::attrs> rq(req);
	dump<typename h::attrs> out(d);
	return (o.*Fn)(rq, out).to_errno();
}
} // namespace detail

/**
 * Command @p cmd (1 ... 255) runs @p Fn, a member function
 * `result<void> (Owner::*)(const request<Attrs> &, message<Attrs> &reply)`,
 * for senders allowed by @p p.  See the file comment's example.
 */
template <auto Fn>
constexpr command<typename detail::handler<decltype(Fn)>::owner,
		  typename detail::handler<decltype(Fn)>::attrs>
doit(u8 cmd, perm p) noexcept
{
	return {{cmd, static_cast<unsigned char>(p), &detail::doit_trampoline<Fn>, nullptr}};
}

/**
 * Command @p cmd (1 ... 255) dumps with @p Fn, a member function
 * `result<void> (Owner::*)(const request<Attrs> &, dump<Attrs> &)`, for
 * senders allowed by @p p (a request with NLM_F_DUMP).
 */
template <auto Fn>
constexpr command<typename detail::handler<decltype(Fn)>::owner,
		  typename detail::handler<decltype(Fn)>::attrs>
dumpit(u8 cmd, perm p) noexcept
{
	return {{cmd, static_cast<unsigned char>(p), nullptr, &detail::dumpit_trampoline<Fn>}};
}

/**
 * Command @p cmd with both: @p Do for a plain request, @p Dump for one
 * with NLM_F_DUMP (the usual "get one / get all" pair).
 */
template <auto Do, auto Dump>
constexpr command<typename detail::handler<decltype(Do)>::owner,
		  typename detail::handler<decltype(Do)>::attrs>
doit_dumpit(u8 cmd, perm p) noexcept
{
	using d = detail::handler<decltype(Dump)>;
	static_assert(
		is_same_v<typename detail::handler<decltype(Do)>::owner, typename d::owner> &&
			is_same_v<typename detail::handler<decltype(Do)>::attrs, typename d::attrs>,
		"doit and dumpit handlers of one command need the same owner and attributes");
	return {{cmd, static_cast<unsigned char>(p), &detail::doit_trampoline<Do>,
		 &detail::dumpit_trampoline<Dump>}};
}

/**
 * A registered generic netlink family (see the file comment).  Move-only;
 * an empty (default-constructed or moved-from) one is not registered.
 */
template <class Owner, class Attrs>
class family {
public:
	family() noexcept = default;
	/** Take over @p o's registration. */
	family(family &&o) noexcept : f_(exchange(o.f_, nullptr)) {}
	/** Unregister ours (may sleep), take over @p o's. */
	family &operator=(family &&o) noexcept
	{
		reset();
		f_ = exchange(o.f_, nullptr);
		return *this;
	}
	family(const family &) = delete;
	family &operator=(const family &) = delete;
	/** Unregisters (see reset()).  May sleep. */
	~family() { reset(); }

	/**
	 * Register family @p name (1 ... 15 characters, unique in the system:
	 * -EEXIST otherwise) of version @p version, whose handlers are called
	 * on @p owner, with @p commands (unique numbers, at least one) and
	 * the multicast groups @p groups (index i of notify() is groups[i]; at
	 * most 15 characters each).  The tables are copied.  -EINVAL for a bad
	 * name or table, -ENOSPC past 8 families in this module, -ENOMEM, or
	 * what genl_register_family() failed with.  May sleep.  See the file
	 * comment's example.
	 */
	[[nodiscard]] static result<family> create(Owner &owner, const char *name, u32 version,
						   span<const command<Owner, Attrs>> commands,
						   span<const char *const> groups = {}) noexcept
	{
		KSTD_MIGHT_SLEEP();
		::kstd_genl_family *f = KSTD_TRY(from_err_ptr(kstd_genl_family_alloc(
			name, version, Attrs::table.entries, Attrs::max_id,
			static_cast<unsigned int>(commands.size()), groups.data(),
			static_cast<unsigned int>(groups.size()), &owner)));
		for (size_t i = 0; i < commands.size(); i++)
			kstd_genl_family_set_cmd(f, static_cast<unsigned int>(i), &commands[i].raw);
		// SAFETY: on failure the helper has freed f.
		int err = kstd_genl_family_register(f);
		if (err)
			return error::from_errno(err);
		family r;
		r.f_ = f;
		return r;
	}

	/** The family id the controller gave it (0 if empty). */
	[[nodiscard]] u16 id() const noexcept
	{
		return f_ ? static_cast<u16>(kstd_genl_family_id(f_)) : 0;
	}
	/** Is it registered? */
	explicit operator bool() const noexcept { return f_ != nullptr; }

	/**
	 * Send a message of command @p cmd, filled by @p fill (called as
	 * `result<void> fill(message<Attrs> &)`), to the listeners of group
	 * @p group in @p net.  -ESRCH when nobody listens there (nothing is
	 * wrong: many callers ignore it), -EINVAL for an unknown group,
	 * -ENOMEM, or fill()'s error (nothing is sent).  Context: what @p gfp
	 * allows (gfp::atomic from softirq or under a spinlock).
	 *
	 * @noop example(kstd::genl::family<int, kstd::genl::attributes<kstd::genl::attr<1, kstd::genl::nla_u32>>> &fam, ::net *net)
	 * @code
	 * auto r = fam.notify(net, 0, 3, kstd::gfp::kernel, [](auto &m) { return m.template put<1>(7); });
	 * if (!r && r.error() != kstd::error::srch())
	 *         return r;
	 * @endcode
	 */
	template <class Fill>
	[[nodiscard]] result<void> notify(::net *net, unsigned int group, u8 cmd, gfp_t gfp,
					  Fill &&fill) noexcept
	{
		void *hdr = nullptr;
		::sk_buff *skb = kstd_genl_msg_new(f_, cmd, gfp.bits, &hdr);
		if (!skb)
			return error::nomem();
		message<Attrs> m(skb, hdr);
		result<void> r = fill(m);
		if (!r) {
			kstd_genl_msg_free(skb);
			return r;
		}
		// SAFETY: kstd_genl_multicast() consumes skb, sent or not.
		int err = kstd_genl_multicast(f_, skb, hdr, net, group, gfp.bits);
		if (err)
			return error::from_errno(err);
		return {};
	}

	/**
	 * Unregister now (no-op if empty): returns once no doit handler
	 * runs; paused dumps end at their next call.  May sleep.
	 */
	void reset() noexcept
	{
		if (f_) {
			KSTD_MIGHT_SLEEP();
			kstd_genl_family_destroy(exchange(f_, nullptr));
		}
	}

private:
	::kstd_genl_family *f_ = nullptr;
};

} // namespace kstd::genl

#endif // KSTD_GENETLINK_HPP
