// SPDX-License-Identifier: GPL-2.0-only
/* See test_net.h. */
#include <net/net_namespace.h>

#include "test_net.h"

struct net *drop_tcp_test_init_net(void)
{
	return &init_net;
}
