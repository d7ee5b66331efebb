// SPDX-License-Identifier: GPL-2.0-only
/*
 * C helpers: generic netlink families.  Compiled as kstd-genetlink.o,
 * linked only into modules that call it (kstd.mk); prototypes in
 * <kstd/bindings/genetlink.h>.
 *
 * Why C: struct genl_family, genl_ops, nla_policy and the genlmsg_* and
 * nla_put* inlines are kernel internals whose layout changes between
 * versions (split ops, the dump info), and the handlers the genetlink core
 * calls take struct genl_info and struct netlink_callback.
 *
 * Every command of a family points at the same three callbacks here, which
 * find the family from the genl_family the core passes and call the
 * command's C++ handler with a neutral view of the request.
 *
 * Lifetime.  The genetlink core keeps a pointer to the genl_family in every
 * dump that is paused between two recv() calls and reads it on the next
 * call and at the dump's end (6.12's genl_dumpit() and genl_done() take
 * genl_op_lock(family)), even after the family was unregistered.  A
 * paused dump holds a reference on the module (netlink_dump_start()), so
 * the families live in a static table of this module: its memory outlives
 * every dump.  A slot is reused only once the dumps that started on it
 * have ended (.start and .done count them).  Doit handlers need none of
 * this: genl_unregister_family() waits for them (cb_lock).
 *
 * Locking: the families are not parallel_ops, so the core runs every doit,
 * dumpit, start and done of them under genl_lock(); `live` changes under it
 * too, which is what makes a paused dump of a destroyed family end with
 * -ENOENT instead of calling into its owner.
 */
#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/err.h>
#include <linux/netlink.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/user_namespace.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#define KSTD_GENL_MAX_FAMILIES 8
#define KSTD_GENL_MAX_ATTR 255

struct kstd_genl_family {
	struct genl_family family;
	bool used;	 /* slot taken: alloc ... destroy */
	bool registered; /* genl_register_family() succeeded */
	bool live;	 /* handlers may be called; under genl_lock() */
	atomic_t dumps;	 /* dumps started and not yet done */
	void *owner;
	unsigned int n_cmds;
	struct kstd_genl_cmd *cmds;
	struct genl_ops *ops;
	struct nla_policy *policy;
	struct genl_multicast_group *groups;
};

static struct kstd_genl_family kstd_genl_slots[KSTD_GENL_MAX_FAMILIES];
static DEFINE_MUTEX(kstd_genl_slots_lock);

static struct kstd_genl_family *kstd_genl_of(const struct genl_family *family)
{
	/* SAFETY: every family registered with these callbacks is a slot's. */
	return container_of((struct genl_family *)family, struct kstd_genl_family, family);
}

static const struct kstd_genl_cmd *kstd_genl_find(const struct kstd_genl_family *f, u8 cmd)
{
	unsigned int i;

	for (i = 0; i < f->n_cmds; i++)
		if (f->cmds[i].cmd == cmd)
			return &f->cmds[i];
	return NULL;
}

/*
 * The live family with id @id.  6.1's genl_info has no family pointer, so a
 * doit finds its family by the message type.  Under genl_lock(), which the
 * core holds around the handlers of non-parallel families and which
 * registration (id) and destruction (live) take too.
 */
static struct kstd_genl_family *kstd_genl_by_id(u16 id)
{
	unsigned int i;

	for (i = 0; i < KSTD_GENL_MAX_FAMILIES; i++)
		if (kstd_genl_slots[i].live && kstd_genl_slots[i].family.id == id)
			return &kstd_genl_slots[i];
	return NULL;
}

static int kstd_genl_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kstd_genl_family *f = kstd_genl_by_id(info->nlhdr->nlmsg_type);
	const struct kstd_genl_cmd *c = f ? kstd_genl_find(f, info->genlhdr->cmd) : NULL;
	struct kstd_genl_req req = {
		.attrs = info->attrs,
		.net = genl_info_net(info),
		.extack = info->extack,
		.skb = skb,
		.portid = info->snd_portid,
	};
	struct sk_buff *reply;
	void *hdr;
	int err;

	if (!c || !c->doit)
		return -ENOENT;
	req.maxattr = f->family.maxattr;
	reply = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!reply)
		return -ENOMEM;
	hdr = genlmsg_put_reply(reply, info, &f->family, 0, c->cmd);
	if (!hdr) {
		nlmsg_free(reply);
		return -EMSGSIZE;
	}
	err = c->doit(f->owner, &req, reply, hdr);
	if (err) {
		nlmsg_free(reply);
		return err;
	}
	genlmsg_end(reply, hdr);
	return genlmsg_reply(reply, info);
}

/* The family, request attributes and command of a dump (cb->data). */
static struct kstd_genl_family *kstd_genl_dump_family(struct netlink_callback *cb,
						      struct nlattr ***attrs, u8 *cmd)
{
#ifdef KSTD_HAVE_GENL_INFO_DUMP
	const struct genl_info *info = genl_info_dump(cb);

	*attrs = info->attrs;
	*cmd = genl_dumpit_info(cb)->op.cmd;
	return kstd_genl_of(info->family);
#else
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);

	*attrs = info->attrs;
	*cmd = info->op.cmd;
	return kstd_genl_of(info->family);
#endif
}

static int kstd_genl_start(struct netlink_callback *cb)
{
	struct nlattr **attrs;
	u8 cmd;

	atomic_inc(&kstd_genl_dump_family(cb, &attrs, &cmd)->dumps);
	return 0;
}

static int kstd_genl_done(struct netlink_callback *cb)
{
	struct nlattr **attrs;
	u8 cmd;

	atomic_dec(&kstd_genl_dump_family(cb, &attrs, &cmd)->dumps);
	return 0;
}

/* cb->args[0]: the handler's cursor; cb->args[1]: set once the handler finished. */
static int kstd_genl_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs;
	u8 cmd;
	struct kstd_genl_family *f = kstd_genl_dump_family(cb, &attrs, &cmd);
	const struct kstd_genl_cmd *c;
	struct kstd_genl_req req;
	struct kstd_genl_dump d;
	int err;

	if (cb->args[1])
		return 0;
	/* Unregistered while this dump was paused: its tables are gone. */
	if (!f->live)
		return -ENOENT;
	c = kstd_genl_find(f, cmd);
	if (!c || !c->dumpit)
		return -ENOENT;
	req = (struct kstd_genl_req){
		.attrs = attrs,
		.net = sock_net(cb->skb->sk),
		.extack = cb->extack,
		.skb = cb->skb,
		.maxattr = f->family.maxattr,
		.portid = NETLINK_CB(cb->skb).portid,
	};
	d = (struct kstd_genl_dump){
		.skb = skb, .cb = cb, .family = f, .cursor = cb->args[0], .cmd = cmd,
	};
	err = c->dumpit(f->owner, &req, &d);
	cb->args[0] = d.cursor;
	/* Full: what fitted goes out now, the core calls again for the rest. */
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	if (err)
		return err;
	cb->args[1] = 1;
	return skb->len;
}

static int kstd_genl_policy_of(struct nla_policy *p, const struct kstd_genl_attr_policy *a)
{
	static const u8 types[] = {
		[KSTD_GENL_U8] = NLA_U8,     [KSTD_GENL_U16] = NLA_U16,
		[KSTD_GENL_U32] = NLA_U32,   [KSTD_GENL_U64] = NLA_U64,
		[KSTD_GENL_FLAG] = NLA_FLAG, [KSTD_GENL_STRING] = NLA_NUL_STRING,
		[KSTD_GENL_BINARY] = NLA_BINARY,
	};
	/* nla_policy's members are const (6.12): fill in a copy. */
	const struct nla_policy reject = { .type = NLA_REJECT };
	const struct nla_policy exact = NLA_POLICY_EXACT_LEN(a->len);
	const struct nla_policy plain = {
		.type = a->kind < ARRAY_SIZE(types) ? types[a->kind] : NLA_REJECT,
		.len = a->len,
	};
	const struct nla_policy *src;

	switch (a->kind) {
	case KSTD_GENL_REJECT:
		src = &reject;
		break;
	case KSTD_GENL_U8 ... KSTD_GENL_FLAG:
		if (a->len)
			return -EINVAL;
		src = &plain;
		break;
	case KSTD_GENL_STRING:
	case KSTD_GENL_BINARY:
		if (!a->len)
			return -EINVAL;
		src = &plain;
		break;
	case KSTD_GENL_EXACT:
		if (!a->len)
			return -EINVAL;
		src = &exact;
		break;
	default:
		return -EINVAL;
	}
	memcpy(p, src, sizeof(*p));
	return 0;
}

static void kstd_genl_free_arrays(struct kstd_genl_family *f)
{
	kfree(f->cmds);
	kfree(f->ops);
	kfree(f->policy);
	kfree(f->groups);
	f->cmds = NULL;
	f->n_cmds = 0;
	f->ops = NULL;
	f->policy = NULL;
	f->groups = NULL;
}

static void kstd_genl_release(struct kstd_genl_family *f)
{
	kstd_genl_free_arrays(f);
	mutex_lock(&kstd_genl_slots_lock);
	f->used = false;
	mutex_unlock(&kstd_genl_slots_lock);
}

struct kstd_genl_family *kstd_genl_family_alloc(const char *name, unsigned int version,
						const struct kstd_genl_attr_policy *policy,
						unsigned int maxattr, unsigned int n_cmds,
						const char *const *groups, unsigned int n_groups,
						void *owner)
{
	struct kstd_genl_family *f = NULL;
	unsigned int i;
	int err = -ENOMEM;

	if (!name || !*name || strlen(name) >= GENL_NAMSIZ || !n_cmds || n_cmds > U8_MAX ||
	    n_groups > U8_MAX || maxattr > KSTD_GENL_MAX_ATTR)
		return ERR_PTR(-EINVAL);
	for (i = 0; i < n_groups; i++)
		if (!groups[i] || !*groups[i] || strlen(groups[i]) >= GENL_NAMSIZ)
			return ERR_PTR(-EINVAL);

	mutex_lock(&kstd_genl_slots_lock);
	for (i = 0; i < KSTD_GENL_MAX_FAMILIES; i++) {
		if (!kstd_genl_slots[i].used && !atomic_read(&kstd_genl_slots[i].dumps)) {
			f = &kstd_genl_slots[i];
			f->used = true;
			break;
		}
	}
	mutex_unlock(&kstd_genl_slots_lock);
	if (!f)
		return ERR_PTR(-ENOSPC);

	/* The slot is ours and no dump refers to it: start from zero. */
	memset(&f->family, 0, sizeof(f->family));
	f->registered = false;
	f->live = false;
	f->owner = owner;
	f->n_cmds = n_cmds;
	f->cmds = kcalloc(n_cmds, sizeof(*f->cmds), GFP_KERNEL);
	f->ops = kcalloc(n_cmds, sizeof(*f->ops), GFP_KERNEL);
	f->policy = kcalloc(maxattr + 1, sizeof(*f->policy), GFP_KERNEL);
	f->groups = n_groups ? kcalloc(n_groups, sizeof(*f->groups), GFP_KERNEL) : NULL;
	if (!f->cmds || !f->ops || !f->policy || (n_groups && !f->groups))
		goto fail;
	for (i = 0; i <= maxattr; i++) {
		err = kstd_genl_policy_of(&f->policy[i], &policy[i]);
		if (err)
			goto fail;
	}
	for (i = 0; i < n_groups; i++)
		strscpy(f->groups[i].name, groups[i], GENL_NAMSIZ);

	strscpy(f->family.name, name, GENL_NAMSIZ);
	f->family.version = version;
	f->family.maxattr = maxattr;
	f->family.policy = f->policy;
	f->family.netnsok = true;
	f->family.module = THIS_MODULE;
	f->family.ops = f->ops;
	f->family.n_ops = n_cmds;
	f->family.mcgrps = f->groups;
	f->family.n_mcgrps = n_groups;
	return f;
fail:
	kstd_genl_release(f);
	return ERR_PTR(err);
}

void kstd_genl_family_set_cmd(struct kstd_genl_family *f, unsigned int i,
			      const struct kstd_genl_cmd *cmd)
{
	struct genl_ops *op = &f->ops[i];

	if (WARN_ON_ONCE(i >= f->n_cmds))
		return;
	f->cmds[i] = *cmd;
	op->cmd = cmd->cmd;
	op->flags = cmd->perm == KSTD_GENL_PERM_ADMIN ? GENL_ADMIN_PERM :
		    cmd->perm == KSTD_GENL_PERM_UNS_ADMIN ? GENL_UNS_ADMIN_PERM : 0;
	if (cmd->doit)
		op->doit = kstd_genl_doit;
	if (cmd->dumpit) {
		op->start = kstd_genl_start;
		op->dumpit = kstd_genl_dumpit;
		op->done = kstd_genl_done;
	}
}

int kstd_genl_family_register(struct kstd_genl_family *f)
{
	int err = genl_register_family(&f->family);

	if (err) {
		kstd_genl_release(f);
		return err;
	}
	f->registered = true;
	genl_lock();
	f->live = true;
	genl_unlock();
	return 0;
}

void kstd_genl_family_destroy(struct kstd_genl_family *f)
{
	if (!f)
		return;
	if (f->registered) {
		genl_lock();
		f->live = false;
		genl_unlock();
		genl_unregister_family(&f->family);
		f->registered = false;
	}
	kstd_genl_release(f);
}

unsigned int kstd_genl_family_id(const struct kstd_genl_family *f)
{
	return f->family.id;
}

const void *kstd_genl_req_attr(const struct kstd_genl_req *req, unsigned int id,
			       unsigned int *len)
{
	struct nlattr **attrs = req->attrs;

	if (!attrs || id > req->maxattr || !attrs[id])
		return NULL;
	*len = nla_len(attrs[id]);
	return nla_data(attrs[id]);
}

void kstd_genl_req_set_err(const struct kstd_genl_req *req, const char *msg,
			   unsigned int missing)
{
	struct netlink_ext_ack *extack = req->extack;

	/* NL_SET_ERR_MSG() without its copy: @msg is static already. */
	if (extack)
		extack->_msg = msg;
	if (missing)
		NL_SET_ERR_ATTR_MISS(extack, NULL, missing);
}

int kstd_genl_req_net_admin(const struct kstd_genl_req *req)
{
	return netlink_ns_capable(req->skb, req->net->user_ns, CAP_NET_ADMIN);
}

int kstd_genl_put(struct sk_buff *skb, unsigned int id, unsigned int len, const void *data)
{
	return nla_put(skb, id, len, data);
}

int kstd_genl_put_string(struct sk_buff *skb, unsigned int id, const char *s, unsigned int len)
{
	struct nlattr *nla = nla_reserve(skb, id, len + 1);
	char *p;

	if (!nla)
		return -EMSGSIZE;
	p = nla_data(nla);
	memcpy(p, s, len);
	p[len] = '\0';
	return 0;
}

int kstd_genl_put_u64(struct sk_buff *skb, unsigned int id, unsigned long long v)
{
	return nla_put_u64_64bit(skb, id, v, 0);
}

void *kstd_genl_dump_begin(struct kstd_genl_dump *d)
{
	struct netlink_callback *cb = d->cb;

	return genlmsg_put(d->skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &d->family->family, NLM_F_MULTI, d->cmd);
}

void kstd_genl_msg_end(struct sk_buff *skb, void *hdr)
{
	genlmsg_end(skb, hdr);
}

void kstd_genl_msg_cancel(struct sk_buff *skb, void *hdr)
{
	genlmsg_cancel(skb, hdr);
}

struct sk_buff *kstd_genl_msg_new(struct kstd_genl_family *f, unsigned char cmd,
				  unsigned int gfp, void **hdr)
{
	struct sk_buff *skb = genlmsg_new(NLMSG_GOODSIZE, (__force gfp_t)gfp);

	if (!skb)
		return NULL;
	*hdr = genlmsg_put(skb, 0, 0, &f->family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

void kstd_genl_msg_free(struct sk_buff *skb)
{
	nlmsg_free(skb);
}

int kstd_genl_multicast(struct kstd_genl_family *f, struct sk_buff *skb, void *hdr,
			struct net *net, unsigned int group, unsigned int gfp)
{
	if (group >= f->family.n_mcgrps) {
		nlmsg_free(skb);
		return -EINVAL;
	}
	genlmsg_end(skb, hdr);
	return genlmsg_multicast_netns(&f->family, net, skb, 0, group, (__force gfp_t)gfp);
}
