// SPDX-License-Identifier: GPL-2.0
/*
 * fault_load: load and unload a module once per fault site given, with
 * that site of the load failed, for fault_insmod.sh.
 *
 *   fault_load KO N...
 *
 * For each N: finit_module(KO) with fail-nth N armed on this thread, then
 * what the load left behind, then delete_module() if it loaded. One line
 * per N: "N RESULT INJECTED LEFT LEFTOVERS UNLOAD": RESULT 0 or the errno
 * name (ENOMEM...), INJECTED 1 if the fault was reached, LEFT the sites
 * that were still to go (0 if injected), LEFTOVERS what a failed load left
 * ("-" for nothing, else a comma list of module, device, genl), UNLOAD "-"
 * if nothing was loaded, "ok", or delete_module()'s errno name.
 *
 * Exit status 2 on usage or setup errors (with a message on stderr). The
 * same syscall as insmod(8), without its startup: the fault sites counted
 * are the kernel's load path and the module's init only. One process for
 * all loads: process startup is slow in the debug guest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "failnth.h"
#include "modstat.h"

static int usage(void)
{
	fprintf(stderr, "usage: fault_load KO N...\n");
	return 2;
}

/* What a failed load left: "-", or a comma list. */
static const char *leftovers(char *buf, size_t cap)
{
	int sock = modstat_open();

	buf[0] = '\0';
	if (!access("/sys/module/fastipc", F_OK))
		strncat(buf, ",module", cap - strlen(buf) - 1);
	if (!access("/dev/fastipc", F_OK))
		strncat(buf, ",device", cap - strlen(buf) - 1);
	if (sock != -ENOENT)
		strncat(buf, sock >= 0 ? ",genl" : ",genl-unknown",
			cap - strlen(buf) - 1);
	modstat_close(sock);
	return buf[0] ? buf + 1 : "-";
}

static const char *err_name(int err)
{
	return err ? strerrorname_np(err) : "0";
}

/* Load @ko with fault site @n failed, report, unload. */
static int load_one(int fd, int fnth, unsigned long n, const char *name)
{
	const char *unload = "-";
	char buf[64];
	int ret, left;

	if (fnth_arm(fnth, n)) {
		fprintf(stderr, "fault_load: arming fail-nth: %s\n",
			strerror(errno));
		return 2;
	}
	ret = syscall(SYS_finit_module, fd, "", 0) ? errno : 0;
	left = fnth_left(fnth);
	if (left < 0) {
		fprintf(stderr, "fault_load: reading fail-nth: %s\n",
			strerror(-left));
		return 2;
	}
	if (!ret)
		unload = syscall(SYS_delete_module, name, O_NONBLOCK) ?
			 err_name(errno) : "ok";
	printf("%lu %s %d %d %s %s\n", n, err_name(ret), left == 0, left,
	       ret ? leftovers(buf, sizeof(buf)) : "-", unload);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long n[argc];
	int i, fd, fnth, ret = 0;
	char *end;

	if (argc < 3)
		return usage();
	for (i = 2; i < argc; i++) {
		n[i] = strtoul(argv[i], &end, 10);
		if (*end || !n[i] || n[i] > 1000000000UL) {
			fprintf(stderr, "fault_load: bad fault number '%s'\n",
				argv[i]);
			return 2;
		}
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "fault_load: open %s: %s\n", argv[1],
			strerror(errno));
		return 2;
	}
	fnth = fnth_open(0);
	if (fnth < 0) {
		fprintf(stderr, "fault_load: fail-nth: %s\n", strerror(-fnth));
		return 2;
	}
	for (i = 2; i < argc && !ret; i++)
		ret = load_one(fd, fnth, n[i], "fastipc");
	fnth_close(fnth);
	close(fd);
	return ret;
}
