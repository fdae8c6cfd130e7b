/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fastipcctl: the ipcrm/ipcmk-style administration of fastipc channels,
 * through libfastipc's FASTIPC_IOC_CHAN_STAT/SET/RMID wrappers. One file
 * per command; common.c names channels, resolves users and reports errors.
 */
#ifndef FASTIPCCTL_H
#define FASTIPCCTL_H

#include <stdint.h>

#include <fastipc.h>

#define PROG		"fastipcctl"

/* Exit statuses, the same as fastipc-stat's (see fastipcctl(8)). */
#define CTL_EXIT_OK	0
#define CTL_EXIT_ERR	1	/* the operation failed */
#define CTL_EXIT_USAGE	2	/* a bad command, option or argument */
#define CTL_EXIT_NOMOD	3	/* /dev/fastipc missing: module not loaded */

/* struct ctl_target - A channel named on the command line. */
struct ctl_target {
	const char *name;	/* or NULL */
	uint64_t key;		/* when name is NULL */
	char desc[96];		/* "'foo'" or "key 0x10", for messages */
};

/* struct ctl_cmd - One command: its name, usage and handler. */
struct ctl_cmd {
	const char *name;
	const char *args;	/* usage after the command name */
	const char *help;
	int nargs;		/* arguments before the channel */
	/* Validates those arguments before the device is opened (or NULL). */
	int (*check)(char **args);
	int (*run)(struct fastipc_dev *dev, const struct ctl_cmd *cmd,
		   char **args, const struct ctl_target *t);
};

extern const struct ctl_cmd ctl_cmd_stat, ctl_cmd_chmod, ctl_cmd_chown,
	ctl_cmd_chgrp, ctl_cmd_rm;

/* common.c */
void ctl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int ctl_usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "fastipcctl: CMD 'name': Operation not permitted (EPERM)"; returns 1. */
int ctl_fail(const struct ctl_cmd *cmd, const struct ctl_target *t, int err);
/* Parses NAME | -k KEY at @argv; returns how many arguments it used or -1. */
int ctl_parse_target(const char *cmd, char **argv, int argc,
		     struct ctl_target *t);
/* Name or number: 0 and the id, or -1 (message printed). */
int ctl_parse_user(const char *s, uint32_t *uid, uint32_t *gid);
int ctl_parse_group(const char *s, uint32_t *gid);
const char *ctl_user(uint32_t uid, char *buf, size_t len);
const char *ctl_group(uint32_t gid, char *buf, size_t len);
const char *ctl_errname(int err);

#endif /* FASTIPCCTL_H */
