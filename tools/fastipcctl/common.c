// SPDX-License-Identifier: GPL-2.0
/*
 * fastipcctl: naming a channel (NAME, or -k KEY), user and group names,
 * and error messages that name the command and the channel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastipcctl.h"

void ctl_err(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int ctl_usage_err(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry '" PROG " --help' for more information.\n", stderr);
	return CTL_EXIT_USAGE;
}

const char *ctl_errname(int err)
{
	const char *s = strerrorname_np(err);

	return s ? s : "E?";
}

int ctl_fail(const struct ctl_cmd *cmd, const struct ctl_target *t, int err)
{
	ctl_err("%s %s: %s (%s)", cmd->name, t->desc, strerror(-err),
		ctl_errname(-err));
	return CTL_EXIT_ERR;
}

static int ctl_parse_key(const char *s, uint64_t *key)
{
	char *end;

	errno = 0;
	*key = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-' || !*key)
		return -1;
	return 0;
}

int ctl_parse_target(const char *cmd, char **argv, int argc,
		     struct ctl_target *t)
{
	int used = 0;

	memset(t, 0, sizeof(*t));
	if (argc >= 1 && (!strcmp(argv[0], "-k") || !strcmp(argv[0], "--key"))) {
		if (argc < 2 || ctl_parse_key(argv[1], &t->key)) {
			ctl_usage_err("%s: -k needs a non-zero key (decimal or 0x hex)",
				      cmd);
			return -1;
		}
		snprintf(t->desc, sizeof(t->desc), "key 0x%" PRIx64, t->key);
		return 2;
	}
	if (argc >= 1 && !strcmp(argv[0], "--")) {
		argv++;
		argc--;
		used = 1;
	}
	if (argc < 1 || !argv[0][0]) {
		ctl_usage_err("%s: missing channel (NAME or -k KEY)", cmd);
		return -1;
	}
	if (!used && argv[0][0] == '-') {
		ctl_usage_err("%s: unknown option '%s' (a NAME that starts with - follows --)",
			      cmd, argv[0]);
		return -1;
	}
	t->name = argv[0];
	snprintf(t->desc, sizeof(t->desc), "'%.80s'", t->name);
	return used + 1;
}

static int ctl_parse_id(const char *s, uint32_t *id)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > UINT32_MAX - 1)
		return -1;
	*id = (uint32_t)v;
	return 0;
}

int ctl_parse_group(const char *s, uint32_t *gid)
{
	struct group *gr;

	if (ctl_parse_id(s, gid) == 0)
		return 0;
	gr = getgrnam(s);
	if (!gr) {
		ctl_err("unknown group '%s'", s);
		return -1;
	}
	*gid = gr->gr_gid;
	return 0;
}

/* USER: @gid gets the user's login group when it is not NULL. */
int ctl_parse_user(const char *s, uint32_t *uid, uint32_t *gid)
{
	struct passwd *pw;

	if (ctl_parse_id(s, uid) == 0) {
		pw = gid ? getpwuid(*uid) : NULL;
		if (gid && !pw) {
			ctl_err("uid %s has no login group: give USER:GROUP", s);
			return -1;
		}
	} else {
		pw = getpwnam(s);
		if (!pw) {
			ctl_err("unknown user '%s'", s);
			return -1;
		}
		*uid = pw->pw_uid;
	}
	if (gid)
		*gid = pw->pw_gid;
	return 0;
}

const char *ctl_user(uint32_t uid, char *buf, size_t len)
{
	struct passwd *pw = getpwuid(uid);

	snprintf(buf, len, "%s", pw ? pw->pw_name : "?");
	return buf;
}

const char *ctl_group(uint32_t gid, char *buf, size_t len)
{
	struct group *gr = getgrgid(gid);

	snprintf(buf, len, "%s", gr ? gr->gr_name : "?");
	return buf;
}
