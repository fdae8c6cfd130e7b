// SPDX-License-Identifier: GPL-2.0
/*
 * fastipcctl chmod MODE, chown USER[:GROUP] and chgrp GROUP, each on
 * NAME | -k KEY: FASTIPC_IOC_CHAN_SET with the matching FASTIPC_SET_* bits.
 * Users and groups are names or numbers; "USER:" also sets USER's login
 * group and ":GROUP" only the group, as chown(1).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastipcctl.h"

static int ctl_set(struct fastipc_dev *dev, const struct ctl_cmd *cmd,
		   const struct ctl_target *t, uint32_t flags, uint32_t uid,
		   uint32_t gid, uint32_t mode)
{
	int ret = fastipc_chan_set(dev, t->name, t->key, flags, uid, gid, mode);

	return ret < 0 ? ctl_fail(cmd, t, ret) : CTL_EXIT_OK;
}

static int ctl_parse_mode(const char *s, uint32_t *mode)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 8);
	if (errno || end == s || *end || *s == '-' || v > 0777)
		return ctl_usage_err("chmod: bad mode '%s' (octal, at most 0777)",
				     s);
	*mode = (uint32_t)v;
	return 0;
}

static int ctl_chmod_check(char **args)
{
	uint32_t mode;

	return ctl_parse_mode(args[0], &mode);
}

static int ctl_chmod(struct fastipc_dev *dev, const struct ctl_cmd *cmd,
		     char **args, const struct ctl_target *t)
{
	uint32_t mode;
	int ret = ctl_parse_mode(args[0], &mode);

	if (ret)
		return ret;
	return ctl_set(dev, cmd, t, FASTIPC_SET_MODE, 0, 0, mode);
}

/* USER[:GROUP] into SET flags and ids; 0 or CTL_EXIT_USAGE. */
static int ctl_parse_owner(const char *arg, uint32_t *flagsp, uint32_t *uidp,
			   uint32_t *gidp)
{
	char user[256], *colon;
	uint32_t flags = 0, uid = 0, gid = 0;

	snprintf(user, sizeof(user), "%s", arg);
	colon = strchr(user, ':');
	if (colon)
		*colon = '\0';
	if (*user) {
		flags |= FASTIPC_SET_UID;
		if (ctl_parse_user(user, &uid,
				   colon && !colon[1] ? &gid : NULL))
			return CTL_EXIT_USAGE;
		if (colon && !colon[1])
			flags |= FASTIPC_SET_GID;
	}
	if (colon && colon[1]) {
		flags |= FASTIPC_SET_GID;
		if (ctl_parse_group(colon + 1, &gid))
			return CTL_EXIT_USAGE;
	}
	if (!flags)
		return ctl_usage_err("chown: give USER, USER:GROUP or :GROUP");
	*flagsp = flags;
	*uidp = uid;
	*gidp = gid;
	return 0;
}

static int ctl_chown_check(char **args)
{
	uint32_t flags, uid, gid;

	return ctl_parse_owner(args[0], &flags, &uid, &gid);
}

static int ctl_chown(struct fastipc_dev *dev, const struct ctl_cmd *cmd,
		     char **args, const struct ctl_target *t)
{
	uint32_t flags, uid, gid;
	int ret = ctl_parse_owner(args[0], &flags, &uid, &gid);

	if (ret)
		return ret;
	return ctl_set(dev, cmd, t, flags, uid, gid, 0);
}

static int ctl_chgrp_check(char **args)
{
	uint32_t gid;

	return ctl_parse_group(args[0], &gid) ? CTL_EXIT_USAGE : 0;
}

static int ctl_chgrp(struct fastipc_dev *dev, const struct ctl_cmd *cmd,
		     char **args, const struct ctl_target *t)
{
	uint32_t gid;

	if (ctl_parse_group(args[0], &gid))
		return CTL_EXIT_USAGE;
	return ctl_set(dev, cmd, t, FASTIPC_SET_GID, 0, gid, 0);
}

const struct ctl_cmd ctl_cmd_chmod = {
	.name = "chmod",
	.args = "MODE NAME | -k KEY",
	.help = "set the permission bits (octal, at most 0777)",
	.nargs = 1,
	.check = ctl_chmod_check,
	.run = ctl_chmod,
};

const struct ctl_cmd ctl_cmd_chown = {
	.name = "chown",
	.args = "USER[:GROUP] NAME | -k KEY",
	.help = "set the owner (and group); names or numbers",
	.nargs = 1,
	.check = ctl_chown_check,
	.run = ctl_chown,
};

const struct ctl_cmd ctl_cmd_chgrp = {
	.name = "chgrp",
	.args = "GROUP NAME | -k KEY",
	.help = "set the group; a name or a number",
	.nargs = 1,
	.check = ctl_chgrp_check,
	.run = ctl_chgrp,
};
