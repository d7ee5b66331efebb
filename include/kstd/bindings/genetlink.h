/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kstd/bindings/genetlink.h - C helpers for generic netlink families.
 * Part of the C/C++ boundary, see <kstd/bindings.h>; valid C and C++.
 *
 * The helpers live in lib/helpers/genetlink.c.  kstd/genetlink.hpp is the
 * typed interface; nothing here knows about its templates: a family is a
 * name, a version, an attribute policy in the neutral form below, a table
 * of commands whose handlers are plain function pointers taking an opaque
 * owner, and multicast group names.
 */
#ifndef KSTD_BINDINGS_GENETLINK_H
#define KSTD_BINDINGS_GENETLINK_H

#ifdef __cplusplus
extern "C" {
#define KSTD_NOEXCEPT noexcept
#else
#define KSTD_NOEXCEPT
#endif

struct net;
struct sk_buff;
struct kstd_genl_family;

/* Kinds of attribute, translated to struct nla_policy by the helper. */
enum kstd_genl_attr_kind {
	KSTD_GENL_REJECT = 0, /* not declared: NLA_REJECT */
	KSTD_GENL_U8,
	KSTD_GENL_U16,
	KSTD_GENL_U32,
	KSTD_GENL_U64,
	KSTD_GENL_FLAG,
	KSTD_GENL_STRING, /* NLA_NUL_STRING, len = longest string without the NUL */
	KSTD_GENL_BINARY, /* NLA_BINARY, len = longest payload */
	KSTD_GENL_EXACT,  /* NLA_POLICY_EXACT_LEN(len) */
};

/* One entry per attribute id, 0 ... maxattr. */
struct kstd_genl_attr_policy {
	unsigned char kind; /* enum kstd_genl_attr_kind */
	unsigned short len;
};

/* Who may run a command: the genl_ops flags the helper sets. */
enum kstd_genl_perm {
	KSTD_GENL_PERM_NONE = 0,
	KSTD_GENL_PERM_ADMIN,	  /* GENL_ADMIN_PERM */
	KSTD_GENL_PERM_UNS_ADMIN, /* GENL_UNS_ADMIN_PERM */
};

/*
 * A parsed, policy-validated request as the handlers see it: filled by the
 * helper on its stack for the duration of one call.  C++ reads it only
 * through the functions below.
 */
struct kstd_genl_req {
	void *attrs; /* struct nlattr ** with maxattr + 1 entries */
	struct net *net;
	void *extack; /* struct netlink_ext_ack *, may be NULL */
	struct sk_buff *skb;
	unsigned int maxattr;
	unsigned int portid;
};

/* A dump in progress: one call of the family's dumpit. */
struct kstd_genl_dump {
	struct sk_buff *skb; /* being filled */
	void *cb;	     /* struct netlink_callback * */
	struct kstd_genl_family *family;
	unsigned long cursor; /* cb->args[0]: where the next call resumes */
	unsigned char cmd;
};

typedef int (*kstd_genl_doit_fn)(void *owner, const struct kstd_genl_req *req,
				 struct sk_buff *reply, void *hdr);
typedef int (*kstd_genl_dumpit_fn)(void *owner, const struct kstd_genl_req *req,
				   struct kstd_genl_dump *dump);

struct kstd_genl_cmd {
	unsigned char cmd;
	unsigned char perm; /* enum kstd_genl_perm */
	kstd_genl_doit_fn doit;
	kstd_genl_dumpit_fn dumpit;
};

/*
 * A family, not yet registered: copies @name (at most 15 characters), the
 * @maxattr + 1 policy entries, @n_cmds commands (set each with
 * kstd_genl_family_set_cmd()) and @n_groups multicast group names (each at
 * most 15 characters).  @owner is passed to every handler.  ERR_PTR
 * (-EINVAL for a bad name or count, -ENOSPC when the module already has
 * KSTD_GENL_MAX_FAMILIES families or paused dumps of unregistered ones,
 * -ENOMEM).  May sleep.
 */
struct kstd_genl_family *kstd_genl_family_alloc(const char *name, unsigned int version,
						const struct kstd_genl_attr_policy *policy,
						unsigned int maxattr, unsigned int n_cmds,
						const char *const *groups, unsigned int n_groups,
						void *owner) KSTD_NOEXCEPT;
void kstd_genl_family_set_cmd(struct kstd_genl_family *f, unsigned int i,
			      const struct kstd_genl_cmd *cmd) KSTD_NOEXCEPT;
/* genl_register_family(); on failure @f is freed.  May sleep. */
int kstd_genl_family_register(struct kstd_genl_family *f) KSTD_NOEXCEPT;
/*
 * Unregister (if registered) and free.  Returns once no handler of @f runs;
 * a dump paused between two recv() calls ends with -ENOENT at its next
 * call.  May sleep.  NULL is a no-op.
 */
void kstd_genl_family_destroy(struct kstd_genl_family *f) KSTD_NOEXCEPT;
/* The id the controller gave the family (0 before registration). */
unsigned int kstd_genl_family_id(const struct kstd_genl_family *f) KSTD_NOEXCEPT;

/*
 * Attribute @id of @req: its payload and length, or NULL if the request
 * has none (or @id > maxattr).  Validated by the policy.
 */
const void *kstd_genl_req_attr(const struct kstd_genl_req *req, unsigned int id,
			       unsigned int *len) KSTD_NOEXCEPT;
/* NL_SET_ERR_MSG (a static string) and NL_SET_ERR_ATTR_MISS(@missing, if not 0). */
void kstd_genl_req_set_err(const struct kstd_genl_req *req, const char *msg,
			   unsigned int missing) KSTD_NOEXCEPT;
/* netlink_ns_capable(skb, net->user_ns, CAP_NET_ADMIN) of the sender. */
int kstd_genl_req_net_admin(const struct kstd_genl_req *req) KSTD_NOEXCEPT;

/* nla_put() of @len bytes; -EMSGSIZE when the skb is full.  Any context. */
int kstd_genl_put(struct sk_buff *skb, unsigned int id, unsigned int len,
		  const void *data) KSTD_NOEXCEPT;
/* An NLA_NUL_STRING attribute: @len bytes of @s, then a NUL. */
int kstd_genl_put_string(struct sk_buff *skb, unsigned int id, const char *s,
			 unsigned int len) KSTD_NOEXCEPT;
/* nla_put_u64_64bit() (8-byte aligned payload with NLA_PAD = 0 as padding type). */
int kstd_genl_put_u64(struct sk_buff *skb, unsigned int id, unsigned long long v) KSTD_NOEXCEPT;

/* Start one message of a dump (NLM_F_MULTI); NULL when the skb is full. */
void *kstd_genl_dump_begin(struct kstd_genl_dump *d) KSTD_NOEXCEPT;
void kstd_genl_msg_end(struct sk_buff *skb, void *hdr) KSTD_NOEXCEPT;
void kstd_genl_msg_cancel(struct sk_buff *skb, void *hdr) KSTD_NOEXCEPT;

/*
 * A notification: a new skb with the genl header of @cmd, or NULL
 * (-ENOMEM).  Fill it with kstd_genl_put*(), then either send it with
 * kstd_genl_multicast() (which consumes it) or free it with
 * kstd_genl_msg_free().
 */
struct sk_buff *kstd_genl_msg_new(struct kstd_genl_family *f, unsigned char cmd,
				  unsigned int gfp, void **hdr) KSTD_NOEXCEPT;
void kstd_genl_msg_free(struct sk_buff *skb) KSTD_NOEXCEPT;
/* genlmsg_multicast_netns() to group @group of @f in @net; -ESRCH: nobody listens. */
int kstd_genl_multicast(struct kstd_genl_family *f, struct sk_buff *skb, void *hdr,
			struct net *net, unsigned int group, unsigned int gfp) KSTD_NOEXCEPT;

#ifdef __cplusplus
}
#endif
#undef KSTD_NOEXCEPT
#endif
