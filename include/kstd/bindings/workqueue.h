/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kstd/bindings/workqueue.h - C helpers for CMWQ work items and queues, delayed work.
 * Part of the C/C++ boundary, see <kstd/bindings.h>; valid C and C++.
 *
 * The hot paths (queue_work_on() and friends) are the kernel's exported
 * functions, called directly from C++ with WORK_CPU_UNBOUND from the layout
 * header; lib/helpers/workqueue.c compiles these prototypes next to
 * <linux/workqueue.h>, which proves they match.  bool is the kernel's
 * (<linux/types.h> comes first on the C side).
 */
#ifndef KSTD_BINDINGS_WORKQUEUE_H
#define KSTD_BINDINGS_WORKQUEUE_H

#ifdef __cplusplus
extern "C" {
#define KSTD_NOEXCEPT noexcept
#else
#define KSTD_NOEXCEPT
#endif

struct workqueue_struct;
struct work_struct;
struct delayed_work;
struct lock_class_key;
/* Emulates disable_work() for kernels without it; storage KSTD_SIZEOF_WORK_GATE. */
struct kstd_work_gate;

/* Which system queue kstd_system_wq() returns. */
enum {
	KSTD_SYSTEM_WQ = 0,
	KSTD_SYSTEM_UNBOUND_WQ = 1,
	KSTD_SYSTEM_HIGHPRI_WQ = 2,
	KSTD_SYSTEM_LONG_WQ = 3,
};

/* How kstd_work_exit() stops a work item that is going away. */
enum {
	KSTD_WORK_EXIT_OWNED = 0,   /* owned its object: must not be pending */
	KSTD_WORK_EXIT_DISABLE = 1, /* by reference: disable_work_sync() (6.10+) */
	KSTD_WORK_EXIT_GATE = 2,    /* by reference: close its gate, then cancel */
};

/* --- helpers (lib/helpers/workqueue.c) --- */
struct workqueue_struct *kstd_alloc_workqueue(const char *name, unsigned int flags,
					      int max_active, bool ordered) KSTD_NOEXCEPT;
struct workqueue_struct *kstd_system_wq(int which) KSTD_NOEXCEPT;
unsigned int kstd_online_cpus(void) KSTD_NOEXCEPT;
void kstd_init_work(struct work_struct *work, void (*func)(struct work_struct *),
		    const char *name, struct lock_class_key *key) KSTD_NOEXCEPT;
void kstd_init_delayed_work(struct delayed_work *dwork, void (*func)(struct work_struct *),
			    const char *name, struct lock_class_key *key,
			    const char *timer_name, struct lock_class_key *timer_key) KSTD_NOEXCEPT;
void kstd_work_exit(struct work_struct *work, int how, struct kstd_work_gate *gate) KSTD_NOEXCEPT;
void kstd_delayed_work_exit(struct delayed_work *dwork, int how,
			    struct kstd_work_gate *gate) KSTD_NOEXCEPT;
void kstd_work_gate_init(struct kstd_work_gate *gate) KSTD_NOEXCEPT;
bool kstd_gated_queue_work(struct kstd_work_gate *gate, int cpu, struct workqueue_struct *wq,
			   struct work_struct *work) KSTD_NOEXCEPT;
bool kstd_gated_queue_delayed_work(struct kstd_work_gate *gate, int cpu,
				   struct workqueue_struct *wq, struct delayed_work *dwork,
				   unsigned long delay) KSTD_NOEXCEPT;
bool kstd_gated_mod_delayed_work(struct kstd_work_gate *gate, int cpu,
				 struct workqueue_struct *wq, struct delayed_work *dwork,
				 unsigned long delay) KSTD_NOEXCEPT;

/* --- exported kernel functions, called directly --- */
bool queue_work_on(int cpu, struct workqueue_struct *wq, struct work_struct *work) KSTD_NOEXCEPT;
bool queue_delayed_work_on(int cpu, struct workqueue_struct *wq, struct delayed_work *dwork,
			   unsigned long delay) KSTD_NOEXCEPT;
bool mod_delayed_work_on(int cpu, struct workqueue_struct *wq, struct delayed_work *dwork,
			 unsigned long delay) KSTD_NOEXCEPT;
bool flush_work(struct work_struct *work) KSTD_NOEXCEPT;
bool cancel_work(struct work_struct *work) KSTD_NOEXCEPT;
bool cancel_work_sync(struct work_struct *work) KSTD_NOEXCEPT;
bool flush_delayed_work(struct delayed_work *dwork) KSTD_NOEXCEPT;
bool cancel_delayed_work(struct delayed_work *dwork) KSTD_NOEXCEPT;
bool cancel_delayed_work_sync(struct delayed_work *dwork) KSTD_NOEXCEPT;
void destroy_workqueue(struct workqueue_struct *wq) KSTD_NOEXCEPT;
void __flush_workqueue(struct workqueue_struct *wq) KSTD_NOEXCEPT;
void drain_workqueue(struct workqueue_struct *wq) KSTD_NOEXCEPT;
struct work_struct *current_work(void) KSTD_NOEXCEPT;

#ifdef __cplusplus
}
#endif
#undef KSTD_NOEXCEPT
#endif
