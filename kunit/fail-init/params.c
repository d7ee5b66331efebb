// SPDX-License-Identifier: GPL-2.0-only
/* The test module's one parameter: the errno its init should fail with. */
#include <linux/moduleparam.h>

extern int kstd_fail_init_err;
int kstd_fail_init_err;
module_param_named(err, kstd_fail_init_err, int, 0444);
MODULE_PARM_DESC(err, "positive errno for init to fail with (0: load normally)");
