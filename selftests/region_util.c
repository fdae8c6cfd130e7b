// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the fastipc shared-memory region kselftests: opening
 * and mapping both sides of a connection with a region, descriptor
 * messages, the doorbell ioctls, poll() and module parameters. See
 * region_util.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fastipc_util.h"
#include "region_util.h"


int connect_rgn(int ctl, const char *name, __u64 size,
		struct fastipc_connect *c)
{
	memset(c, 0, sizeof(*c));
	fipc_ref_name(&c->ref, name);
	c->region_size = size;
	return fipc_ioctl(ctl, FASTIPC_IOC_CONNECT, c);
}

int conn_region(int chan, __u64 id, struct fastipc_region_layout *l)
{
	struct fastipc_conn_region cr;
	int fd;

	memset(&cr, 0, sizeof(cr));
	cr.conn_id = id;
	fd = fipc_ioctl(chan, FASTIPC_IOC_CONN_REGION, &cr);
	if (fd >= 0 && l)
		*l = cr.layout;
	return fd;
}

unsigned char *map(int fd, __u64 off, size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_SHARED, fd, (off_t)off);

	return p == MAP_FAILED ? NULL : p;
}

/* 0 if the mapping is accepted (it is undone at once), else -errno. */
int map_err(int fd, __u64 off, size_t len, int prot, int flags)
{
	void *p = mmap(NULL, len, prot, flags, fd, (off_t)off);

	if (p == MAP_FAILED)
		return -errno;
	munmap(p, len);
	return 0;
}

void unmap(unsigned char **p, size_t len)
{
	if (*p)
		munmap(*p, len);
	*p = NULL;
}

void closefd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int rgn_map(struct rgn *r)
{
	size_t h = r->l.half_size;

	r->cmine = map(r->conn, r->l.client_off, h, PROT_READ | PROT_WRITE);
	r->cpeer = map(r->conn, r->l.server_off, h, PROT_READ);
	r->smine = map(r->rfd, r->l.server_off, h, PROT_READ | PROT_WRITE);
	r->speer = map(r->rfd, r->l.client_off, h, PROT_READ);
	return r->cmine && r->cpeer && r->smine && r->speer ? 0 : -errno;
}

/* A channel, a connection with a region of @size, its region fd, maps. */
int rgn_open(struct rgn *r, const char *tag, __u64 size)
{
	struct fastipc_region_layout sl;
	struct fastipc_connect c;
	struct fastipc_msg_hdr h;
	int ret;

	memset(r, 0, sizeof(*r));
	r->chan = r->conn = r->rfd = -1;
	r->ctl = fipc_open();
	if (r->ctl < 0)
		return r->ctl;
	fipc_unique_name(r->name, tag);
	r->chan = fipc_create(r->ctl, r->name, 0, 0666);
	if (r->chan < 0)
		return r->chan;
	r->conn = connect_rgn(r->ctl, r->name, size, &c);
	if (r->conn < 0)
		return r->conn;
	r->conn_id = c.conn_id;
	r->msg_max = c.msg_max;
	r->l = c.layout;
	ret = fipc_recv_type(r->chan, FASTIPC_MSG_CONNECT, NULL, 0, &h);
	if (ret < 0)
		return ret;
	r->rfd = conn_region(r->chan, r->conn_id, &sl);
	if (r->rfd < 0)
		return r->rfd;
	if (memcmp(&sl, &r->l, sizeof(sl)))
		return -EPROTO;
	return rgn_map(r);
}

void rgn_close(struct rgn *r)
{
	size_t h = r->l.half_size;

	unmap(&r->cmine, h);
	unmap(&r->cpeer, h);
	unmap(&r->smine, h);
	unmap(&r->speer, h);
	closefd(&r->rfd);
	closefd(&r->conn);
	closefd(&r->chan);
	closefd(&r->ctl);
}

/* The next data message, skipping CONNECT/DISCONNECT; payload length. */
int recv_msg(int chan, void *buf, __u32 cap, struct fastipc_serve *s)
{
	int ret;

	do {
		ret = fipc_recv(chan, buf, cap, FASTIPC_F_TIMEOUT, FIPC_WAIT_NS,
				s);
	} while (ret >= 0 && (s->hdr.type == FASTIPC_MSG_CONNECT ||
			      s->hdr.type == FASTIPC_MSG_DISCONNECT));
	return ret;
}

void set_desc(struct fastipc_desc *d, __u64 off, __u32 len, __u32 area)
{
	d->offset = off;
	d->len = len;
	d->area = area;
}

int desc_is(const struct fastipc_desc *d, __u64 off, __u32 len,
	    __u32 area)
{
	return d->offset == off && d->len == len && d->area == area;
}

int reply_d(int chan, __u64 id, const void *buf, __u32 len,
	    const struct fastipc_desc *d)
{
	struct fastipc_serve s;

	memset(&s, 0, sizeof(s));
	s.reply_id = id;
	s.reply_ptr = (uintptr_t)buf;
	s.reply_len = len;
	if (d)
		s.reply_desc = *d;
	return fipc_ioctl(chan, FASTIPC_IOC_REPLY, &s);
}

int send_d(int conn, const void *buf, __u32 len,
	   const struct fastipc_desc *d)
{
	struct fastipc_call c;

	fipc_call_init(&c, 9, buf, len, NULL, 0);
	c.req_desc = *d;
	return fipc_ioctl(conn, FASTIPC_IOC_SEND, &c);
}

int do_wait(int fd, __u32 ev, __u32 flags, __u64 tmo)
{
	struct fastipc_wait w = {
		.eventcount = ev, .flags = flags, .timeout_ns = tmo,
	};

	return fipc_ioctl(fd, FASTIPC_IOC_WAIT, &w);
}

int notify(int fd)
{
	return ioctl(fd, FASTIPC_IOC_NOTIFY) < 0 ? -errno : 0;
}

short poll1(int fd, short events, int tmo_ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	return poll(&p, 1, tmo_ms) < 0 ? -1 : p.revents;
}

__u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * FIPC_SEC + ts.tv_nsec;
}

__u32 expect_area(__u64 want)
{
	__u64 half = (want + 1) / 2, a = PG;

	while (a < half)
		a <<= 1;
	return (__u32)a;
}

int touch_child(unsigned char *p, int write)
{
	struct rlimit nocore = { 0, 0 };
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		setrlimit(RLIMIT_CORE, &nocore);
		if (write)
			*(volatile unsigned char *)p = 1;
		else
			(void)*(volatile unsigned char *)p;
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}
