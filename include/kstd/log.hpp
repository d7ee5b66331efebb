// SPDX-License-Identifier: GPL-2.0-only
/**
 * @file log.hpp
 * @brief printk from C++ with compile-time format checking, and WARN_ON.
 *
 * The macros mirror the kernel's pr_*() family: the log level and the
 * module name ("kecho: ...") are prepended at compile time, and the
 * compiler checks the arguments against the format (kernel extensions such
 * as `%pI4` or `%pe` are accepted as `%p`).
 *
 * @noop example(unsigned int port, const char *who, int refs)
 * @code
 * kstd_pr_info("listening on port %u\n", port);
 * kstd_pr_warn_ratelimited("bad line from %s\n", who);
 * if (KSTD_WARN_ON(refs < 0))
 *         return kstd::error::inval();
 * @endcode
 *
 * Context: any (printk is safe in atomic and IRQ context).  Define
 * KSTD_PR_FMT before including this header to change the prefix.
 */
#ifndef KSTD_LOG_HPP
#define KSTD_LOG_HPP

#include <kstd/bindings.h>

/** @name Log levels: the kernel's KERN_* prefixes, for kstd_printk() */
///@{
/// The start-of-header byte that introduces a level (KERN_SOH).
#define KSTD_KERN_SOH "\001"
/// KERN_EMERG: the system is unusable.
#define KSTD_KERN_EMERG KSTD_KERN_SOH "0"
/// KERN_ALERT: action must be taken immediately.
#define KSTD_KERN_ALERT KSTD_KERN_SOH "1"
/// KERN_CRIT: critical conditions.
#define KSTD_KERN_CRIT KSTD_KERN_SOH "2"
/// KERN_ERR: error conditions.
#define KSTD_KERN_ERR KSTD_KERN_SOH "3"
/// KERN_WARNING: warning conditions.
#define KSTD_KERN_WARNING KSTD_KERN_SOH "4"
/// KERN_NOTICE: normal but significant.
#define KSTD_KERN_NOTICE KSTD_KERN_SOH "5"
/// KERN_INFO: informational.
#define KSTD_KERN_INFO KSTD_KERN_SOH "6"
/// KERN_DEBUG: debug messages.
#define KSTD_KERN_DEBUG KSTD_KERN_SOH "7"
///@}

/**
 * The prefix of every message (pr_fmt()): "modname: " by default.  Define it
 * before including this header to change it.
 */
#ifndef KSTD_PR_FMT
#ifdef KBUILD_MODNAME
#define KSTD_PR_FMT KBUILD_MODNAME ": "
#else
#define KSTD_PR_FMT ""
#endif
#endif

/** printk at an explicit level: `kstd_printk(KSTD_KERN_INFO, "x=%d\n", x)`.  Any context. */
#define kstd_printk(level, fmt, ...) _printk(level KSTD_PR_FMT fmt, ##__VA_ARGS__)

/** pr_emerg(). Any context. */
#define kstd_pr_emerg(fmt, ...) kstd_printk(KSTD_KERN_EMERG, fmt, ##__VA_ARGS__)
/** pr_alert(). Any context. */
#define kstd_pr_alert(fmt, ...) kstd_printk(KSTD_KERN_ALERT, fmt, ##__VA_ARGS__)
/** pr_crit(). Any context. */
#define kstd_pr_crit(fmt, ...) kstd_printk(KSTD_KERN_CRIT, fmt, ##__VA_ARGS__)
/** pr_err(). Any context. */
#define kstd_pr_err(fmt, ...) kstd_printk(KSTD_KERN_ERR, fmt, ##__VA_ARGS__)
/** pr_warn(). Any context. */
#define kstd_pr_warn(fmt, ...) kstd_printk(KSTD_KERN_WARNING, fmt, ##__VA_ARGS__)
/** pr_notice(). Any context. */
#define kstd_pr_notice(fmt, ...) kstd_printk(KSTD_KERN_NOTICE, fmt, ##__VA_ARGS__)
/** pr_info(). Any context. */
#define kstd_pr_info(fmt, ...) kstd_printk(KSTD_KERN_INFO, fmt, ##__VA_ARGS__)

/** Debug messages compile to a format check only unless KSTD_DEBUG is defined. */
#ifdef KSTD_DEBUG
#define kstd_pr_debug(fmt, ...) kstd_printk(KSTD_KERN_DEBUG, fmt, ##__VA_ARGS__)
#else
#define kstd_pr_debug(fmt, ...)                                                                    \
	({                                                                                         \
		if (0)                                                                             \
			kstd_printk(KSTD_KERN_DEBUG, fmt, ##__VA_ARGS__);                          \
		0;                                                                                 \
	})
#endif

/**
 * pr_warn(), rate-limited.  The rate-limited variants share the kernel's
 * global printk_ratelimit() state (a burst of 10 per 5 s by default), which
 * bounds log floods from input a remote peer controls.  Any context.
 */
#define kstd_pr_warn_ratelimited(fmt, ...)                                                         \
	({                                                                                         \
		if (__printk_ratelimit(__func__))                                                  \
			kstd_pr_warn(fmt, ##__VA_ARGS__);                                          \
	})
/** pr_err(), rate-limited (see kstd_pr_warn_ratelimited()). Any context. */
#define kstd_pr_err_ratelimited(fmt, ...)                                                          \
	({                                                                                         \
		if (__printk_ratelimit(__func__))                                                  \
			kstd_pr_err(fmt, ##__VA_ARGS__);                                           \
	})
/** pr_info(), rate-limited (see kstd_pr_warn_ratelimited()). Any context. */
#define kstd_pr_info_ratelimited(fmt, ...)                                                         \
	({                                                                                         \
		if (__printk_ratelimit(__func__))                                                  \
			kstd_pr_info(fmt, ##__VA_ARGS__);                                          \
	})

/**
 * WARN_ON(cond): if @p cond is true, print a kernel warning with a stack
 * trace (the file and line are in the message) and yield true.  For "this
 * cannot happen" conditions only; a test run treats any WARN as failure.
 */
#define KSTD_WARN_ON(cond)                                                                         \
	({                                                                                         \
		bool kstd_warn_cond_ = static_cast<bool>(cond);                                    \
		if (kstd_warn_cond_) [[unlikely]]                                                  \
			kstd_warn(__FILE__, __LINE__, "WARN_ON(" #cond ")");                       \
		kstd_warn_cond_;                                                                   \
	})

/**
 * might_sleep() at the top of an API that may sleep: with
 * CONFIG_DEBUG_ATOMIC_SLEEP, a call in atomic context (spinlock held,
 * preemption or interrupts off, RCU read side) prints "BUG: sleeping
 * function called from invalid context" with the caller's file and line,
 * even on the calls that happen not to sleep.  kstd's "Might sleep" entry
 * points all start with it.  Without that option it compiles to nothing
 * (no call, no argument): the kernel's might_sleep() then only is a
 * voluntary preemption point, which the sleeping kernel function the API
 * calls has itself.
 *
 * @code
 * kstd::result<void> reload() noexcept
 * {
 *         KSTD_MIGHT_SLEEP(); // takes a mutex below, maybe not every time
 *         ...
 *         return {};
 * }
 * @endcode
 */
#if KSTD_CONFIG_DEBUG_ATOMIC_SLEEP
#define KSTD_MIGHT_SLEEP() kstd_might_sleep(__FILE__, __LINE__)
#else
#define KSTD_MIGHT_SLEEP()                                                                         \
	do {                                                                                       \
	} while (0)
#endif

#endif // KSTD_LOG_HPP
