// SPDX-License-Identifier: GPL-2.0
/*
 * modload_hold: holds fastipc.ko in use one way, for modload_test.sh.
 *
 *   modload_hold fd|map|regionfd|epoll|recv|wait
 *	Make one kind of reference to the module, print "ready", and keep it
 *	until killed: an open control fd; a region mapping with every fd
 *	closed; a region fd alone; an epoll registration of a channel fd; a
 *	thread asleep in RECV; a thread asleep in the doorbell WAIT.
 *
 * Exit status: 1 with a message naming what failed.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "fastipc_util.h"
#include "region_util.h"

#define PROG	"modload_hold"

static int die(const char *what, int err)
{
	fprintf(stderr, PROG ": %s: %s\n", what, strerror(err < 0 ? -err : err));
	return 1;
}

static int ready(void)
{
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
	return 0;
}

/* A channel and a connection to it with a region: fds in @r. */
static int open_region(struct rgn *r)
{
	int ret = rgn_open(r, "mlh", RGN_SIZE);

	return ret ? die("channel with a region", ret) : 0;
}

/*
 * A channel and a connection to it with a region, of which only the
 * client's own half stays mapped (@map) or only the region fd stays open
 * (!@map): every other fd and mapping goes.
 */
static int hold_region(int map)
{
	struct rgn r;

	if (open_region(&r))
		return 1;
	if (map)
		close(r.rfd);
	else
		munmap(r.cmine, r.l.half_size);
	munmap(r.cpeer, r.l.half_size);
	munmap(r.smine, r.l.half_size);
	munmap(r.speer, r.l.half_size);
	close(r.conn);
	close(r.chan);
	close(r.ctl);
	return ready();
}

static int hold_epoll(void)
{
	struct epoll_event ev = { .events = EPOLLIN };
	char name[FASTIPC_NAME_MAX];
	int ctl, chan, ep;

	ctl = fipc_open();
	if (ctl < 0)
		return die("open " FIPC_DEV, ctl);
	fipc_unique_name(name, "mle");
	chan = fipc_create(ctl, name, 0, 0600);
	if (chan < 0)
		return die("CHAN_CREATE", chan);
	close(ctl);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, chan, &ev))
		return die("epoll", errno);
	return ready();
}

static int hold_recv(void)
{
	struct fastipc_serve s;
	char name[FASTIPC_NAME_MAX];
	int ctl, chan, ret;

	ctl = fipc_open();
	if (ctl < 0)
		return die("open " FIPC_DEV, ctl);
	fipc_unique_name(name, "mlr");
	chan = fipc_create(ctl, name, 0, 0600);
	if (chan < 0)
		return die("CHAN_CREATE", chan);
	close(ctl);
	printf("ready\n");
	fflush(stdout);
	memset(&s, 0, sizeof(s));
	ret = fipc_ioctl(chan, FASTIPC_IOC_RECV, &s);
	return die("RECV returned", ret ? ret : -EPROTO);
}

static int hold_wait(void)
{
	struct fastipc_wait w;
	struct rgn r;
	int ret;

	if (open_region(&r))
		return 1;
	printf("ready\n");
	fflush(stdout);
	memset(&w, 0, sizeof(w));
	w.eventcount = WORD(&r, cpeer, eventcount);
	ret = fipc_ioctl(r.conn, FASTIPC_IOC_WAIT, &w);
	return die("WAIT returned", ret ? ret : -EPROTO);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (argc != 2)
		goto usage;
	if (!strcmp(mode, "fd"))
		return fipc_open() < 0 ? die("open " FIPC_DEV, errno) : ready();
	if (!strcmp(mode, "map"))
		return hold_region(1);
	if (!strcmp(mode, "regionfd"))
		return hold_region(0);
	if (!strcmp(mode, "epoll"))
		return hold_epoll();
	if (!strcmp(mode, "recv"))
		return hold_recv();
	if (!strcmp(mode, "wait"))
		return hold_wait();
usage:
	fprintf(stderr, "usage: " PROG " fd|map|regionfd|epoll|recv|wait\n");
	return 2;
}
