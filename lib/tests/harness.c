// SPDX-License-Identifier: GPL-2.0
/*
 * The two-process memfd region of the ring unit tests.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define T_PAGE	4096

void t_region_create(struct t_region *t, uint32_t area_size)
{
	struct fastipc_region_layout *lo = &t->lo;

	memset(t, 0, sizeof(*t));
	lo->version = FASTIPC_REGION_VERSION;
	lo->area_off = T_PAGE;
	lo->area_size = area_size;
	lo->half_size = T_PAGE + area_size;
	lo->size = 2 * lo->half_size;
	lo->client_off = 0;
	lo->server_off = lo->half_size;
	lo->producer_off = offsetof(struct fastipc_region_ctl, producer);
	lo->consumer_off = offsetof(struct fastipc_region_ctl, consumer);
	lo->eventcount_off = offsetof(struct fastipc_region_ctl, eventcount);
	lo->waiting_off = offsetof(struct fastipc_region_ctl, waiting);
	t->memfd = memfd_create("fastipc-test", MFD_CLOEXEC);
	if (t->memfd < 0 || ftruncate(t->memfd, (off_t)lo->size))
		t_fail("memfd: %s", strerror(errno));
}

/* Map @len bytes at @off with a PROT_NONE page on each side. */
static void *t_map_guarded(int fd, size_t len, int prot, uint64_t off)
{
	uint8_t *base = mmap(NULL, len + 2 * T_PAGE, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *p;

	if (base == MAP_FAILED)
		t_fail("mmap guard: %s", strerror(errno));
	p = mmap(base + T_PAGE, len, prot, MAP_SHARED | MAP_FIXED, fd,
		 (off_t)off);
	if (p == MAP_FAILED)
		t_fail("mmap half: %s", strerror(errno));
	return p;
}

void t_region_attach(struct t_region *t, struct fipc_region *g, bool client)
{
	struct fastipc_region_layout *lo = &t->lo;
	void *own, *peer;

	own = t_map_guarded(t->memfd, lo->half_size, PROT_READ | PROT_WRITE,
			    client ? lo->client_off : lo->server_off);
	peer = t_map_guarded(t->memfd, lo->half_size, PROT_READ,
			     client ? lo->server_off : lo->client_off);
	memset(g, 0, sizeof(*g));
	if (fipc_region_setup(g, own, peer, lo, -1))
		t_fail("fipc_region_setup");
	g->fd = -1;
}

int t_fork(void (*fn)(void *), void *arg)
{
	pid_t pid = fork();

	if (pid < 0)
		t_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		alarm(120);	/* a hang is a failure, not a stuck run */
		fn(arg);
		_exit(T_PASS);
	}
	return pid;
}

void t_wait_ok(int pid, const char *what)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		t_fail("waitpid %s: %s", what, strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		t_fail("%s failed (status 0x%x)", what, st);
}

uint64_t t_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}
