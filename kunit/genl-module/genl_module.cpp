// SPDX-License-Identifier: GPL-2.0-only
/*
 * A test module for scripts/guest-tests/genetlink.sh: the generic netlink
 * family "kstd_genl" (version 1), spoken to from user space by
 * tools/genl-test.py.
 *
 *   KG_CMD_ECHO     (anyone)      KG_A_VALUE (u32, required), KG_A_NAME
 *                                 (string, at most 15): replies value + 1
 *                                 and the name; value 13 fails with -EIO
 *   KG_CMD_ADMIN    (perm::admin) replies KG_A_VALUE 1: CAP_NET_ADMIN in
 *                                 the initial user namespace
 *   KG_CMD_NSADMIN  (perm::netns_admin) replies KG_A_VALUE 2: CAP_NET_ADMIN
 *                                 over the sender's network namespace
 *   KG_CMD_LIST     (anyone, dump) KG_A_VALUE 0 ... count - 1, count from
 *                                 KG_A_VALUE of the request (default 1000,
 *                                 at most 100000)
 *   KG_CMD_NOTIFY   (anyone)      sends KG_A_VALUE to group "kstd_genl_ev"
 *                                 of the sender's namespace
 */
#include <kstd/genetlink.hpp>
#include <kstd/module.hpp>

namespace {

using kstd::u16;
using kstd::u32;
using kstd::u8;

enum : u16 { KG_A_UNSPEC, KG_A_VALUE, KG_A_NAME };
enum : u8 { KG_CMD_UNSPEC, KG_CMD_ECHO, KG_CMD_ADMIN, KG_CMD_NSADMIN, KG_CMD_LIST, KG_CMD_NOTIFY };

using attrs = kstd::genl::attributes<kstd::genl::attr<KG_A_VALUE, kstd::genl::nla_u32>,
				     kstd::genl::attr<KG_A_NAME, kstd::genl::nla_string<15>>>;
using request = kstd::genl::request<attrs>;
using message = kstd::genl::message<attrs>;

struct kstd_genl {
	using genl_family = kstd::genl::family<kstd_genl, attrs>;
	genl_family genl;

	kstd::result<void> echo(const request &req, message &reply)
	{
		u32 v = KSTD_TRY(req.get<KG_A_VALUE>());
		if (v == 13) {
			req.set_error_message("unlucky value");
			return kstd::error::io();
		}
		KSTD_TRY(reply.put<KG_A_VALUE>(v + 1));
		return reply.put<KG_A_NAME>(req.get_or<KG_A_NAME>("anonymous"));
	}
	kstd::result<void> admin(const request &, message &reply)
	{
		return reply.put<KG_A_VALUE>(1);
	}
	kstd::result<void> nsadmin(const request &, message &reply)
	{
		return reply.put<KG_A_VALUE>(2);
	}
	kstd::result<void> list(const request &req, kstd::genl::dump<attrs> &out)
	{
		u32 count = req.get_or<KG_A_VALUE>(1000);
		if (count > 100000) {
			req.set_error_message("at most 100000 entries");
			return kstd::error::range();
		}
		for (unsigned long i = out.cursor(); i < count; i++) {
			auto e = KSTD_TRY(out.begin());
			KSTD_TRY(e.put<KG_A_VALUE>(static_cast<u32>(i)));
			out.commit(kstd::move(e), i + 1);
		}
		return {};
	}
	kstd::result<void> notify(const request &req, message &)
	{
		u32 v = KSTD_TRY(req.get<KG_A_VALUE>());
		auto r = genl.notify(req.net(), 0, KG_CMD_NOTIFY, kstd::gfp::kernel,
				     [&](message &m) { return m.put<KG_A_VALUE>(v); });
		if (!r && r.error() != kstd::error::srch())
			return r;
		return {};
	}

	static constexpr kstd::genl::command<kstd_genl, attrs> commands[] = {
		kstd::genl::doit<&kstd_genl::echo>(KG_CMD_ECHO, kstd::genl::perm::none),
		kstd::genl::doit<&kstd_genl::admin>(KG_CMD_ADMIN, kstd::genl::perm::admin),
		kstd::genl::doit<&kstd_genl::nsadmin>(KG_CMD_NSADMIN,
						      kstd::genl::perm::netns_admin),
		kstd::genl::dumpit<&kstd_genl::list>(KG_CMD_LIST, kstd::genl::perm::none),
		kstd::genl::doit<&kstd_genl::notify>(KG_CMD_NOTIFY, kstd::genl::perm::none),
	};
	static constexpr const char *groups[] = {"kstd_genl_ev"};

	static kstd::result<kstd::unique_ptr<kstd_genl>> create()
	{
		auto self = KSTD_TRY(kstd::make_unique<kstd_genl>(kstd::gfp::kernel));
		self->genl = KSTD_TRY(genl_family::create(*self, "kstd_genl", 1, commands, groups));
		return self;
	}
};

} // namespace

KSTD_MODULE(kstd_genl);
KSTD_MODULE_LICENSE("GPL");
KSTD_MODULE_DESCRIPTION("kstd test: a generic netlink family");
