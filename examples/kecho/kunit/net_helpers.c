// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loopback for kecho's KUnit suite (net_helpers.h).
 */
#include <linux/delay.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/addrconf.h>
#include <net/net_namespace.h>

#include "net_helpers.h"

int kecho_kunit_loopback_up(void)
{
	struct net_device *lo = init_net.loopback_dev;
	int err = 0;

	rtnl_lock();
	if (!(lo->flags & IFF_UP))
		err = dev_change_flags(lo, lo->flags | IFF_UP, NULL);
	rtnl_unlock();
	return err;
}

int kecho_kunit_ipv6_loopback_ready(void)
{
#if IS_ENABLED(CONFIG_IPV6)
	int i;

	for (i = 0; i < 100; i++) {
		if (ipv6_chk_addr(&init_net, &in6addr_loopback, NULL, 0))
			return 1;
		msleep(20);
	}
#endif
	return 0;
}
