/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kstd/bindings/kernel_if.h - C helpers for module parameters, /proc and /proc/net entries.
 * Part of the C/C++ boundary, see <kstd/bindings.h>; valid C and C++.
 *
 * This header includes nothing and uses no generated layout, so the
 * freestanding <kstd/string.hpp> can include it on the host too (for the
 * vsnprintf() prototype, which the host's C library provides).
 */
#ifndef KSTD_BINDINGS_KERNEL_IF_H
#define KSTD_BINDINGS_KERNEL_IF_H

#ifdef __cplusplus
extern "C" {
#define KSTD_NOEXCEPT noexcept
#else
#define KSTD_NOEXCEPT
#endif

struct module;
struct kernel_param;
struct kernel_param_ops;
struct seq_file;
struct net;
struct proc_dir_entry;

/* --- formatting (exported by lib/vsprintf.c; the host's libc has it too) --- */
int vsnprintf(char *buf, __SIZE_TYPE__ size, const char *fmt, __builtin_va_list args) KSTD_NOEXCEPT
	__attribute__((format(printf, 3, 0)));

/* --- module parameters --- */

/* The kernel's own parameter types (kernel/params.c); kp->arg points at the value. */
extern const struct kernel_param_ops param_ops_bool;
extern const struct kernel_param_ops param_ops_byte;
extern const struct kernel_param_ops param_ops_short;
extern const struct kernel_param_ops param_ops_ushort;
extern const struct kernel_param_ops param_ops_int;
extern const struct kernel_param_ops param_ops_uint;
extern const struct kernel_param_ops param_ops_long;
extern const struct kernel_param_ops param_ops_ulong;
extern const struct kernel_param_ops param_ops_ullong;
/* kp->arg points at a struct kparam_string {maxlen, buffer}: bounded copy on set. */
extern const struct kernel_param_ops param_ops_string;
/*
 * The same, except that one trailing newline is dropped (as kstrto* do for
 * numbers), so `echo /srv > .../parameters/docroot` stores "/srv".
 */
extern const struct kernel_param_ops kstd_param_ops_string;

/*
 * kernel_param_lock()/unlock(): serialise with sysfs writes of @mod's
 * parameters (NULL: built-in code).  May sleep.
 */
void kstd_param_lock(struct module *mod) KSTD_NOEXCEPT;
void kstd_param_unlock(struct module *mod) KSTD_NOEXCEPT;

/*
 * Range-checked integer parameters: kp->arg points at one of these structs
 * (the value first, so the kernel's param_get_<type> prints it).  Setting
 * parses like the kernel's param_set_<type> (kstrto*(val, 0, ...)) and then
 * fails with -ERANGE outside [min, max], leaving the value unchanged.
 */
#define KSTD_PARAM_RANGE_TYPES(X)						\
	X(byte, unsigned char)							\
	X(short, short)								\
	X(ushort, unsigned short)						\
	X(int, int)								\
	X(uint, unsigned int)							\
	X(long, long)								\
	X(ulong, unsigned long)							\
	X(ullong, unsigned long long)

#define KSTD_PARAM_RANGE_DECLARE(name, type)					\
	struct kstd_param_range_##name {					\
		type value;							\
		type min;							\
		type max;							\
	};									\
	extern const struct kernel_param_ops kstd_param_ops_##name##_range;
KSTD_PARAM_RANGE_TYPES(KSTD_PARAM_RANGE_DECLARE)
#undef KSTD_PARAM_RANGE_DECLARE

/* --- /proc files --- */

/* A user-space address (sparse's __user for C; C++ never sees the kernel's). */
#ifdef __cplusplus
#define KSTD_USER
#else
#define KSTD_USER __user
#endif

/*
 * The callbacks of one /proc file, implemented in C++ (<kstd/proc.hpp>);
 * @ctx is the handler object, @net the namespace of a /proc/net entry
 * (NULL for plain /proc entries).  All run in process context and may
 * sleep.
 *
 * show: fill the seq_file for read(); 0 or a negative errno.  May be NULL
 *       (reads return nothing).
 * line: one complete input line, without its "\n" or "\r\n" (@len bytes,
 *       not NUL-terminated, never empty); 0 or a negative errno.  May be
 *       NULL (write() fails with -EIO).
 *
 * The line discipline, kstd::detail::proc_line_writer: the C side only
 * calls these, one writer per open file that may write (when @line is set).
 * writer_open: a writer for lines of up to @max_line bytes; NULL when out
 *       of memory.
 * writer_write: write()'s data at the user address @ubuf: the byte count or
 *       a negative errno.
 * writer_release: close(): hands an unterminated last line to @line unless
 *       @dying (the entry is being removed), frees the writer, and returns
 *       that line's error (0 if none), which the C side logs.
 */
struct kstd_proc_handler {
	int (*show)(void *ctx, struct net *net, struct seq_file *m);
	int (*line)(void *ctx, struct net *net, const char *line, __SIZE_TYPE__ len);
	void *(*writer_open)(unsigned int max_line);
	long (*writer_write)(void *writer, const struct kstd_proc_handler *h, void *ctx,
			     struct net *net, const char KSTD_USER *ubuf, __SIZE_TYPE__ count);
	int (*writer_release)(void *writer, const struct kstd_proc_handler *h, void *ctx,
			      struct net *net, int dying);
};

/* copy_from_user() (an inline): the number of bytes NOT copied.  May sleep. */
unsigned long kstd_copy_from_user(void *to, const void KSTD_USER *from,
				  unsigned long n) KSTD_NOEXCEPT;
/* cond_resched() (a macro). */
void kstd_cond_resched(void) KSTD_NOEXCEPT;

/* The longest input line a /proc file accepts when none is given. */
#define KSTD_PROC_DEFAULT_MAX_LINE 256u
/* The upper limit for max_line (a per-open-file buffer of that size). */
#define KSTD_PROC_MAX_LINE_LIMIT 4096u
/* The longest name of a per-namespace entry. */
#define KSTD_PROC_NAME_MAX 64u
/*
 * Capabilities a /proc file may require of whoever opens it for writing
 * (the kernel's CAP_* numbers, checked against <linux/capability.h> in
 * lib/helpers/kernel_if.c); KSTD_CAP_NONE for no capability check.
 */
#define KSTD_CAP_NONE (-1)
#define KSTD_CAP_DAC_OVERRIDE 1
#define KSTD_CAP_NET_ADMIN 12
#define KSTD_CAP_NET_RAW 13
#define KSTD_CAP_SYS_ADMIN 21

struct kstd_proc_node;
struct kstd_proc_dir;

/*
 * proc_create_data() with kstd's file operations: a seq_file reader and
 * @handler's line writer (see lib/helpers/kernel_if.c).  @mode as for
 * proc_create (S_IFREG is implied), @parent NULL for /proc, @max_line the
 * writer's (C++ checks it against KSTD_PROC_MAX_LINE_LIMIT).  @write_cap is a KSTD_CAP_* the opener must hold in the
 * initial user namespace to open the file for writing (-EPERM otherwise),
 * or KSTD_CAP_NONE.  Returns the node or an ERR_PTR.  May sleep.
 */
struct kstd_proc_node *kstd_proc_create(const char *name, unsigned short mode,
					struct kstd_proc_dir *parent,
					const struct kstd_proc_handler *handler, void *ctx,
					unsigned int max_line, int write_cap) KSTD_NOEXCEPT;
/*
 * proc_remove(): waits for running callbacks, closes open files (a pending
 * partial line is dropped), frees the node.  May sleep.  NULL is a no-op.
 */
void kstd_proc_remove(struct kstd_proc_node *node) KSTD_NOEXCEPT;

/*
 * A directory (proc_mkdir) under @parent (NULL: /proc).  It counts the
 * entries created in it: removing it while some remain WARNs and leaves it
 * in place (their own removal would otherwise touch freed memory).
 * ERR_PTR on failure.  May sleep.
 */
struct kstd_proc_dir *kstd_proc_mkdir(const char *name, struct kstd_proc_dir *parent) KSTD_NOEXCEPT;
void kstd_proc_rmdir(struct kstd_proc_dir *dir) KSTD_NOEXCEPT;

/*
 * A file @name in every network namespace's /proc/net, present from
 * registration (or the namespace's creation) until unregistration (or the
 * namespace's exit).  Returns a handle or an ERR_PTR: -ENAMETOOLONG,
 * -ENOMEM, or what creating it in an existing namespace failed with.  Any
 * number of them may be registered at once.  @write_cap: as for
 * kstd_proc_create(), but held in the user namespace that owns the file's
 * network namespace (as sock_diag_destroy() and `ss -K` require).  May sleep.
 */
struct kstd_pernet_proc;
struct kstd_pernet_proc *kstd_pernet_proc_register(const char *name, unsigned short mode,
						   const struct kstd_proc_handler *handler,
						   void *ctx, unsigned int max_line,
						   int write_cap) KSTD_NOEXCEPT;
/* Removes the file from every namespace.  May sleep.  NULL is a no-op. */
void kstd_pernet_proc_unregister(struct kstd_pernet_proc *p) KSTD_NOEXCEPT;

/* --- seq_file output (exported by fs/seq_file.c) --- */
void seq_vprintf(struct seq_file *m, const char *fmt, __builtin_va_list args) KSTD_NOEXCEPT
	__attribute__((format(printf, 2, 0)));
int seq_write(struct seq_file *seq, const void *data, __SIZE_TYPE__ len) KSTD_NOEXCEPT;
void seq_putc(struct seq_file *m, char c) KSTD_NOEXCEPT;

#ifdef __cplusplus
}
#endif
#undef KSTD_NOEXCEPT
#endif
