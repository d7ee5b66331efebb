/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kboard's user-space interface: /dev/kboard's ioctl argument and
 * command letters.  Valid C (for tools/kboard-tool.c, with <linux/ioctl.h>)
 * and C++ (for the module, with kstd::ioctl); includes nothing.
 *
 *   KBOARD_STATS  _IOR('b', 1, struct kboard_stats)  the board's counters
 *   KBOARD_CLEAR  _IO('b', 2)                        drop every post; needs CAP_SYS_ADMIN
 */
#ifndef KBOARD_UAPI_H
#define KBOARD_UAPI_H

#define KBOARD_IOC_TYPE 'b'
#define KBOARD_IOC_STATS 1
#define KBOARD_IOC_CLEAR 2

/* The longest post in bytes (without the newline a read adds). */
#define KBOARD_POST_MAX 255

struct kboard_stats {
	unsigned long long posts_total;	/* posted since load */
	unsigned int posts_held;	/* on the board now */
	unsigned int readers;		/* open files */
	unsigned long long clears;	/* KBOARD_CLEAR calls that succeeded */
};

#endif
