// SPDX-License-Identifier: GPL-2.0
/*
 * fastipcctl: administer fastipc channels, as ipcrm and ipcs -i do for
 * SysV IPC objects.
 *
 *   fastipcctl stat  NAME | -k KEY
 *   fastipcctl chmod MODE NAME | -k KEY
 *   fastipcctl chown USER[:GROUP] NAME | -k KEY
 *   fastipcctl chgrp GROUP NAME | -k KEY
 *   fastipcctl rm    NAME | -k KEY
 *
 * Exit status (as fastipc-stat's): 0 done, 1 the operation failed, 2 usage
 * error, 3 the module is not loaded (no /dev/fastipc).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fastipcctl.h"

static const struct ctl_cmd *const ctl_cmds[] = {
	&ctl_cmd_stat, &ctl_cmd_chmod, &ctl_cmd_chown, &ctl_cmd_chgrp,
	&ctl_cmd_rm,
};

#define NCMDS	(sizeof(ctl_cmds) / sizeof(ctl_cmds[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: " PROG " COMMAND [ARGS] NAME | -k KEY\n"
		"Administer fastipc channels through /dev/" FASTIPC_DEVICE_NAME
		".\n\n");
	for (i = 0; i < NCMDS; i++)
		fprintf(f, "  " PROG " %s %s\n      %s\n", ctl_cmds[i]->name,
			ctl_cmds[i]->args, ctl_cmds[i]->help);
	fprintf(f, "\nKEY is decimal or 0x hex; a NAME that starts with - follows --.\n"
		"Exit status: 0 done, 1 the operation failed, 2 usage error, 3 the\n"
		"fastipc module is not loaded.\n");
}

static const struct ctl_cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < NCMDS; i++)
		if (!strcmp(ctl_cmds[i]->name, name))
			return ctl_cmds[i];
	return NULL;
}

/*
 * No device node (ENOENT), or a node without its driver (ENXIO, ENODEV):
 * the module is not loaded, status 3 as fastipc-stat's missing family.
 */
static int open_dev(const struct ctl_cmd *cmd, struct fastipc_dev **dev)
{
	int ret = fastipc_open(dev);

	if (ret == 0)
		return 0;
	if (ret == -ENOENT || ret == -ENXIO || ret == -ENODEV) {
		ctl_err("%s: opening /dev/" FASTIPC_DEVICE_NAME ": %s (%s): the fastipc module is not loaded (load it with 'insmod kmod/fastipc.ko' or 'modprobe fastipc')",
			cmd->name, strerror(-ret), ctl_errname(-ret));
		return CTL_EXIT_NOMOD;
	}
	ctl_err("%s: opening /dev/" FASTIPC_DEVICE_NAME ": %s (%s)", cmd->name,
		strerror(-ret), ctl_errname(-ret));
	return CTL_EXIT_ERR;
}

static int run(const struct ctl_cmd *cmd, int argc, char **argv)
{
	struct fastipc_dev *dev;
	struct ctl_target t;
	int used, ret;

	if (argc < cmd->nargs)
		return ctl_usage_err("%s: usage: %s %s", cmd->name, cmd->name,
				     cmd->args);
	used = ctl_parse_target(cmd->name, argv + cmd->nargs,
				argc - cmd->nargs, &t);
	if (used < 0)
		return CTL_EXIT_USAGE;
	if (cmd->nargs + used != argc)
		return ctl_usage_err("%s: unexpected argument '%s'", cmd->name,
				     argv[cmd->nargs + used]);
	ret = cmd->check ? cmd->check(argv) : 0;
	if (!ret)
		ret = open_dev(cmd, &dev);
	if (ret)
		return ret;
	ret = cmd->run(dev, cmd, argv, &t);
	fastipc_close(dev);
	if (fflush(stdout) == EOF) {
		ctl_err("writing to standard output: %s", strerror(errno));
		ret = CTL_EXIT_ERR;
	}
	return ret;
}

int main(int argc, char **argv)
{
	const struct ctl_cmd *cmd;

	if (argc < 2)
		return ctl_usage_err("missing command");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return CTL_EXIT_OK;
	}
	if (argv[1][0] == '-')
		return ctl_usage_err("unknown option '%s' (options follow the command)",
				     argv[1]);
	cmd = find_cmd(argv[1]);
	if (!cmd)
		return ctl_usage_err("unknown command '%s' (stat, chmod, chown, chgrp, rm)",
				     argv[1]);
	return run(cmd, argc - 2, argv + 2);
}
