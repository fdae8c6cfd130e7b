// SPDX-License-Identifier: GPL-2.0
/*
 * fastipcctl rm NAME | -k KEY: FASTIPC_IOC_CHAN_RMID. The name and key are
 * freed at once; the channel's waiters wake with EIDRM.
 */
#include "fastipcctl.h"

static int ctl_rm(struct fastipc_dev *dev, const struct ctl_cmd *cmd,
		  char **args, const struct ctl_target *t)
{
	int ret;

	(void)args;
	ret = fastipc_chan_rmid(dev, t->name, t->key);
	return ret < 0 ? ctl_fail(cmd, t, ret) : CTL_EXIT_OK;
}

const struct ctl_cmd ctl_cmd_rm = {
	.name = "rm",
	.args = "NAME | -k KEY",
	.help = "remove a channel (its callers and server get EIDRM)",
	.run = ctl_rm,
};
