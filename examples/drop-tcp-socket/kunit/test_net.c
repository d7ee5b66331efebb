// SPDX-License-Identifier: GPL-2.0-only
/* See test_net.h. */
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/net_namespace.h>

#include "test_net.h"

struct net *drop_tcp_test_init_net(void)
{
	return &init_net;
}

int drop_tcp_test_loopback_up(void)
{
	struct net_device *lo = init_net.loopback_dev;
	int err = 0;

	rtnl_lock();
	if (!(lo->flags & IFF_UP))
		err = dev_change_flags(lo, lo->flags | IFF_UP, NULL);
	rtnl_unlock();
	return err;
}
