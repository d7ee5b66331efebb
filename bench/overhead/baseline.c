// SPDX-License-Identifier: GPL-2.0-only
/*
 * The C side of the overhead benchmark: the kernel API used directly, as a
 * hand-written C module would.  Also owns the module parameter.
 */
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/uio.h>
#include <linux/workqueue.h>

#include "overhead.h"

static int iterations = 200000;
module_param(iterations, int, 0444);
MODULE_PARM_DESC(iterations, "operations per timed loop");

int c_bench_iterations(void)
{
	return iterations;
}

unsigned long long c_now_ns(void)
{
	return ktime_get_ns();
}

static DEFINE_SPINLOCK(c_lock);
static DEFINE_MUTEX(c_mutex);

unsigned long long c_spin_lock_loop(unsigned long n)
{
	u64 t0 = ktime_get_ns();

	while (n--) {
		spin_lock(&c_lock);
		spin_unlock(&c_lock);
	}
	return ktime_get_ns() - t0;
}

unsigned long long c_spin_lock_irqsave_loop(unsigned long n)
{
	u64 t0 = ktime_get_ns();
	unsigned long flags;

	while (n--) {
		spin_lock_irqsave(&c_lock, flags);
		spin_unlock_irqrestore(&c_lock, flags);
	}
	return ktime_get_ns() - t0;
}

unsigned long long c_mutex_loop(unsigned long n)
{
	u64 t0 = ktime_get_ns();

	while (n--) {
		mutex_lock(&c_mutex);
		mutex_unlock(&c_mutex);
	}
	return ktime_get_ns() - t0;
}

struct c_item {
	int v;
	struct list_head link;
};

unsigned long long c_list_loop(unsigned long n)
{
	struct c_item items[4];
	LIST_HEAD(head);
	u64 t0;
	int i;

	for (i = 0; i < 4; i++)
		list_add_tail(&items[i].link, &head);
	t0 = ktime_get_ns();
	while (n--) {
		/* Rotate: take the first element (if any) and put it at the back. */
		struct c_item *first = list_first_entry_or_null(&head, struct c_item, link);

		if (!first)
			break;
		list_del_init(&first->link);
		list_add_tail(&first->link, &head);
	}
	t0 = ktime_get_ns() - t0;
	for (i = 0; i < 4; i++)
		list_del(&items[i].link);
	return t0;
}

unsigned long long c_alloc_loop(unsigned long n)
{
	u64 t0 = ktime_get_ns();

	while (n--) {
		u64 *p = kmalloc(sizeof(*p), GFP_KERNEL);

		if (!p)
			break;
		WRITE_ONCE(*p, n);
		kfree(p);
	}
	return ktime_get_ns() - t0;
}

static atomic_t c_work_runs;

static void c_work_fn(struct work_struct *w)
{
	atomic_inc(&c_work_runs);
}

unsigned long long c_queue_flush_loop(unsigned long n)
{
	struct work_struct w;
	u64 t0;

	INIT_WORK_ONSTACK(&w, c_work_fn);
	t0 = ktime_get_ns();
	while (n--) {
		queue_work(system_wq, &w);
		flush_work(&w);
	}
	t0 = ktime_get_ns() - t0;
	destroy_work_on_stack(&w);
	return t0;
}

/* 64-byte messages from tx to rx over a connected loopback TCP pair. */
unsigned long long c_socket_loop(struct socket *tx, struct socket *rx, unsigned long n)
{
	char out[64] = "kstd overhead benchmark payload", in[64];
	u64 t0 = ktime_get_ns();

	while (n--) {
		struct kvec vo = { .iov_base = out, .iov_len = sizeof(out) };
		struct kvec vi = { .iov_base = in, .iov_len = sizeof(in) };
		struct msghdr mo = { .msg_flags = MSG_NOSIGNAL };
		struct msghdr mi = { .msg_flags = 0 };

		if (kernel_sendmsg(tx, &mo, &vo, 1, sizeof(out)) != sizeof(out))
			break;
		if (kernel_recvmsg(rx, &mi, &vi, 1, sizeof(in), MSG_WAITALL) != sizeof(in))
			break;
	}
	return ktime_get_ns() - t0;
}
