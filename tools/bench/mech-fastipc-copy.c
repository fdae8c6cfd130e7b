// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-bench: fastipc CALL by copy. fastipc_call() on a connection
 * without a region: the kernel copies the request into the server's
 * receive buffer and the reply back, one syscall per side (CALL, and the
 * server pool's REPLY_RECV).
 *
 *  copy         as the module is loaded: a CALL busy-waits for its reply,
 *               and a REPLY_RECV for the next request, for up to the
 *               module's spin_ns before sleeping.
 *  copy-nospin  the same call with the busy-wait off: the parent sets
 *               /sys/module/fastipc/parameters/spin_ns to 0 in prepare()
 *               for the batch and writes the old value back in cleanup(),
 *               and at exit or on SIGINT, SIGTERM or SIGHUP if it ends in
 *               between. Absent unless that file is writable (root).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fastipc.h>

#include "bench.h"
#include "mech-fastipc.h"

#define SPIN_NS_PATH	"/sys/module/fastipc/parameters/spin_ns"

/* The value to write back, and who owes it (not the forked children). */
static char nospin_saved[32];
static size_t nospin_len;
static pid_t nospin_owner;
static volatile sig_atomic_t nospin_active;

static int copy_usable(const struct mech_ctx *c)
{
	return fipc_usable(c, true);
}

static int copy_setup(struct mech_ctx *c, unsigned int pair, void **state)
{
	(void)pair;
	return fipc_connect(c, false, state);
}

/* Write @len bytes of @v to spin_ns: async-signal-safe. 0 or -errno. */
static int spin_ns_write(const char *v, size_t len)
{
	int fd = open(SPIN_NS_PATH, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, v, len) != (ssize_t)len)
		ret = -EIO;
	close(fd);
	return ret;
}

/* spin_ns as it was, if this process changed it; async-signal-safe. */
static void nospin_restore(void)
{
	if (!nospin_active || getpid() != nospin_owner)
		return;
	if (spin_ns_write(nospin_saved, nospin_len) == 0)
		nospin_active = 0;
}

static void nospin_on_signal(int sig)
{
	nospin_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Once: restore at exit() and on the signals that end the benchmark. */
static void nospin_guard(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = nospin_on_signal };
	static bool done;
	size_t i;

	if (done)
		return;
	done = true;
	atexit(nospin_restore);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

static int nospin_usable(const struct mech_ctx *c)
{
	int ret = fipc_usable(c, true);

	if (ret)
		return ret;
	return access(SPIN_NS_PATH, W_OK) ? MECH_SKIP_ABSENT : 0;
}

static int nospin_prepare(struct mech_ctx *c)
{
	ssize_t n;
	int fd;

	(void)c;
	if (nospin_active)
		return bench_err(-EBUSY, "%s: already 0", SPIN_NS_PATH);
	fd = open(SPIN_NS_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bench_err(-errno, "open %s", SPIN_NS_PATH);
	n = read(fd, nospin_saved, sizeof(nospin_saved) - 1);
	close(fd);
	if (n <= 0)
		return bench_err(n < 0 ? -errno : -EIO, "read %s",
				 SPIN_NS_PATH);
	nospin_len = (size_t)n;
	nospin_guard();
	nospin_owner = getpid();
	nospin_active = 1;
	n = spin_ns_write("0\n", 2);
	if (n < 0) {
		nospin_active = 0;
		return bench_err((int)n, "write 0 to %s", SPIN_NS_PATH);
	}
	return 0;
}

static void nospin_cleanup(struct mech_ctx *c)
{
	(void)c;
	nospin_restore();
	if (nospin_active)
		bench_err(-EIO, "could not write %.*s back to %s",
			  (int)nospin_len, nospin_saved, SPIN_NS_PATH);
}

const struct mech mech_fastipc_copy = {
	.name = "copy",
	.label = "fastipc CALL, copy",
	.usable = copy_usable,
	.server_init = fipc_server_init,
	.serve = fipc_serve,
	.setup = copy_setup,
	.round = fipc_call_round,
	.teardown = fipc_teardown,
	.spins = MECH_SPINS_KMOD,
};

const struct mech mech_fastipc_copy_nospin = {
	.name = "copy-nospin",
	.label = "fastipc CALL, copy, spin_ns=0",
	.usable = nospin_usable,
	.prepare = nospin_prepare,
	.cleanup = nospin_cleanup,
	.server_init = fipc_server_init,
	.serve = fipc_serve,
	.setup = copy_setup,
	.round = fipc_call_round,
	.teardown = fipc_teardown,
};
