// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc shared-memory regions: the layout CONNECT negotiates, the mmap
 * rules of both halves, descriptor messages, the NOTIFY/WAIT doorbell and
 * poll(), per-user region quotas, and round trips of payloads up to 64 MiB
 * through shared memory.
 *
 * Most tests play both sides in one process: the client's mappings come
 * from the connection fd, the server's from the region fd, and a CALL that
 * must block runs in a background thread while the test serves it.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"

#define PG		4096ULL
/* The fixture region: two 32 KiB areas. */
#define RGN_SIZE	(64ULL << 10)
#define PARAM_DIR	"/sys/module/fastipc/parameters/"
#define C2S		FASTIPC_AREA_C2S
#define S2C		FASTIPC_AREA_S2C
#define NONE		FASTIPC_AREA_NONE

/* Both sides of one connection with a region, all four halves mapped. */
struct rgn {
	int ctl, chan, conn, rfd;
	__u64 conn_id;
	__u32 msg_max;
	char name[FASTIPC_NAME_MAX];
	struct fastipc_region_layout l;
	/* client: own half RW, server's RO; server: likewise */
	unsigned char *cmine, *cpeer;
	unsigned char *smine, *speer;
};

#define AREA(r, half)	((r)->half + (r)->l.area_off)
#define WORD(r, half, field) \
	(*(volatile __u32 *)((r)->half + (r)->l.field##_off))

static int connect_rgn(int ctl, const char *name, __u64 size,
		       struct fastipc_connect *c)
{
	memset(c, 0, sizeof(*c));
	fipc_ref_name(&c->ref, name);
	c->region_size = size;
	return fipc_ioctl(ctl, FASTIPC_IOC_CONNECT, c);
}

static int conn_region(int chan, __u64 id, struct fastipc_region_layout *l)
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

static unsigned char *map(int fd, __u64 off, size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_SHARED, fd, (off_t)off);

	return p == MAP_FAILED ? NULL : p;
}

/* 0 if the mapping is accepted (it is undone at once), else -errno. */
static int map_err(int fd, __u64 off, size_t len, int prot, int flags)
{
	void *p = mmap(NULL, len, prot, flags, fd, (off_t)off);

	if (p == MAP_FAILED)
		return -errno;
	munmap(p, len);
	return 0;
}

static void unmap(unsigned char **p, size_t len)
{
	if (*p)
		munmap(*p, len);
	*p = NULL;
}

static void closefd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int rgn_map(struct rgn *r)
{
	size_t h = r->l.half_size;

	r->cmine = map(r->conn, r->l.client_off, h, PROT_READ | PROT_WRITE);
	r->cpeer = map(r->conn, r->l.server_off, h, PROT_READ);
	r->smine = map(r->rfd, r->l.server_off, h, PROT_READ | PROT_WRITE);
	r->speer = map(r->rfd, r->l.client_off, h, PROT_READ);
	return r->cmine && r->cpeer && r->smine && r->speer ? 0 : -errno;
}

/* A channel, a connection with a region of @size, its region fd, maps. */
static int rgn_open(struct rgn *r, const char *tag, __u64 size)
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

static void rgn_close(struct rgn *r)
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
static int recv_msg(int chan, void *buf, __u32 cap, struct fastipc_serve *s)
{
	int ret;

	do {
		ret = fipc_recv(chan, buf, cap, FASTIPC_F_TIMEOUT, FIPC_WAIT_NS,
				s);
	} while (ret >= 0 && (s->hdr.type == FASTIPC_MSG_CONNECT ||
			      s->hdr.type == FASTIPC_MSG_DISCONNECT));
	return ret;
}

static void set_desc(struct fastipc_desc *d, __u64 off, __u32 len, __u32 area)
{
	d->offset = off;
	d->len = len;
	d->area = area;
}

static int desc_is(const struct fastipc_desc *d, __u64 off, __u32 len,
		   __u32 area)
{
	return d->offset == off && d->len == len && d->area == area;
}

static int reply_d(int chan, __u64 id, const void *buf, __u32 len,
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

static int send_d(int conn, const void *buf, __u32 len,
		  const struct fastipc_desc *d)
{
	struct fastipc_call c;

	fipc_call_init(&c, 9, buf, len, NULL, 0);
	c.req_desc = *d;
	return fipc_ioctl(conn, FASTIPC_IOC_SEND, &c);
}

static int do_wait(int fd, __u32 ev, __u32 flags, __u64 tmo)
{
	struct fastipc_wait w = {
		.eventcount = ev, .flags = flags, .timeout_ns = tmo,
	};

	return fipc_ioctl(fd, FASTIPC_IOC_WAIT, &w);
}

static int notify(int fd)
{
	return ioctl(fd, FASTIPC_IOC_NOTIFY) < 0 ? -errno : 0;
}

static short poll1(int fd, short events, int tmo_ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	return poll(&p, 1, tmo_ms) < 0 ? -1 : p.revents;
}

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * FIPC_SEC + ts.tv_nsec;
}

static void on_signal(int sig)
{
	(void)sig;
}

static int read_param(const char *name, unsigned long long *val)
{
	char path[128], buf[32];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	ok = fgets(buf, sizeof(buf), f) != NULL;
	fclose(f);
	if (!ok)
		return -EIO;
	*val = strtoull(buf, NULL, 0);
	return 0;
}

static int write_param(const char *name, unsigned long long val)
{
	char path[128];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	ret = fprintf(f, "%llu\n", val) < 0;
	ret |= fclose(f) != 0;
	return ret ? -EIO : 0;
}

/* ------------------------------------------------------------------ */
/* Layout and the connect/CONN_REGION arguments */

static __u32 expect_area(__u64 want)
{
	__u64 half = (want + 1) / 2, a = PG;

	while (a < half)
		a <<= 1;
	return (__u32)a;
}

TEST(layout_sizes)
{
	static const __u64 sizes[] = {
		1, 4096, 8192, 8193, 65536, 100000, 1 << 20, (1 << 20) + 1,
	};
	struct fastipc_region_layout *l;
	struct fastipc_connect c;
	char name[FASTIPC_NAME_MAX];
	int ctl, chan, fd;
	unsigned int i;

	ctl = fipc_open();
	ASSERT_LE(0, ctl);
	fipc_unique_name(name, "layout");
	chan = fipc_create_lim(ctl, name, 12345, 0, 0);
	ASSERT_LE(0, chan);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		fd = connect_rgn(ctl, name, sizes[i], &c);
		ASSERT_LE(0, fd) TH_LOG("region_size %llu", sizes[i]);
		l = &c.layout;
		TH_LOG("region_size %llu: size %llu area %u", sizes[i],
		       l->size, l->area_size);
		EXPECT_EQ(12345U, c.msg_max);
		EXPECT_EQ((__u32)FASTIPC_REGION_VERSION, l->version);
		EXPECT_EQ(0U, l->flags);
		EXPECT_EQ(expect_area(sizes[i]), l->area_size);
		EXPECT_EQ(0U, l->area_size & (l->area_size - 1));
		EXPECT_EQ(PG + l->area_size, l->half_size);
		EXPECT_EQ(2 * l->half_size, l->size);
		EXPECT_EQ(0ULL, l->client_off);
		EXPECT_EQ(l->half_size, l->server_off);
		EXPECT_EQ((__u32)PG, l->area_off);
		EXPECT_EQ(64U, l->producer_off);
		EXPECT_EQ(128U, l->consumer_off);
		EXPECT_EQ(192U, l->eventcount_off);
		EXPECT_EQ(196U, l->waiting_off);
		EXPECT_EQ(0ULL, l->resv);
		close(fd);
	}
	close(chan);
	close(ctl);
}

TEST(region_above_max)
{
	unsigned long long max;
	struct fastipc_connect c;
	char name[FASTIPC_NAME_MAX];
	int ctl, chan, fd;

	ASSERT_EQ(0, read_param("region_max", &max));
	ctl = fipc_open();
	ASSERT_LE(0, ctl);
	fipc_unique_name(name, "rmax");
	chan = fipc_create(ctl, name, 0, 0600);
	ASSERT_LE(0, chan);
	EXPECT_EQ(-EINVAL, connect_rgn(ctl, name, max + 1, &c));
	EXPECT_EQ(-EINVAL, connect_rgn(ctl, name, max + PG, &c));
	EXPECT_EQ(-EINVAL, connect_rgn(ctl, name, ~0ULL, &c));
	/* Exactly region_max (a power of two by default) is allowed. */
	fd = connect_rgn(ctl, name, max, &c);
	EXPECT_LE(0, fd) TH_LOG("region_max %llu: %d", max, fd);
	if (fd >= 0) {
		EXPECT_EQ(expect_area(max), c.layout.area_size);
		close(fd);
	}
	close(chan);
	close(ctl);
}

FIXTURE(plain) {
	union {
		int fd[3];
		struct {
			int ctl, chan, conn;
		};
	};
	__u64 conn_id;
	char name[FASTIPC_NAME_MAX];
};

FIXTURE_SETUP(plain)
{
	ASSERT_EQ(0, fipc_setup(self->fd, &self->conn_id, self->name, "plain",
				1000, 0, 0));
}

FIXTURE_TEARDOWN(plain)
{
	close(self->conn);
	close(self->chan);
	close(self->ctl);
}

TEST_F(plain, layout_zero)
{
	struct fastipc_region_layout zero;
	struct fastipc_connect c;
	int fd;

	memset(&zero, 0, sizeof(zero));
	fd = connect_rgn(self->ctl, self->name, 0, &c);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, memcmp(&zero, &c.layout, sizeof(zero)));
	EXPECT_EQ(1000U, c.msg_max);
	close(fd);
}

TEST_F(plain, mmap_enodev)
{
	EXPECT_EQ(-ENODEV, map_err(self->conn, 0, 2 * PG, PROT_READ,
				   MAP_SHARED));
	EXPECT_EQ(-ENODEV, map_err(self->conn, 0, 2 * PG,
				   PROT_READ | PROT_WRITE, MAP_SHARED));
	EXPECT_EQ(POLLOUT, poll1(self->conn, POLLIN | POLLOUT, 0));
}

TEST_F(plain, doorbell_enodata)
{
	EXPECT_EQ(-ENODATA, notify(self->conn));
	EXPECT_EQ(-ENODATA, do_wait(self->conn, 0, 0, 0));
	EXPECT_EQ(-ENODATA, do_wait(self->conn, 0, FASTIPC_F_NONBLOCK, 0));
	EXPECT_EQ(-ENODATA, do_wait(self->conn, 1, FASTIPC_F_TIMEOUT, PG));
}

TEST_F(plain, conn_region_enodata)
{
	EXPECT_EQ(-ENODATA, conn_region(self->chan, self->conn_id, NULL));
}

TEST_F(plain, desc_einval)
{
	struct fastipc_desc d = { .offset = 0, .len = 1, .area = C2S };
	struct fastipc_call c;

	fipc_call_init(&c, 1, "x", 1, NULL, 0);
	c.timeout_ns = 100 * FIPC_MS;
	c.req_desc = d;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->conn, FASTIPC_IOC_CALL, &c));
	EXPECT_EQ(-EINVAL, send_d(self->conn, "x", 1, &d));
	EXPECT_EQ(-EAGAIN, fipc_recv(self->chan, NULL, 0, FASTIPC_F_NONBLOCK,
				     0, NULL));
}

TEST_F(plain, reply_desc_einval)
{
	struct fastipc_desc d = { .offset = 0, .len = 1, .area = S2C };
	struct fastipc_serve s;
	struct fastipc_call c;
	struct fipc_bg bg;
	char buf[8];

	fipc_call_init(&c, 1, "x", 1, NULL, 0);
	ASSERT_EQ(0, fipc_bg_start(&bg, self->conn, FASTIPC_IOC_CALL, &c));
	ASSERT_EQ(1, recv_msg(self->chan, buf, sizeof(buf), &s));
	EXPECT_TRUE(desc_is(&s.desc, 0, 0, NONE));
	EXPECT_EQ(-EINVAL, reply_d(self->chan, s.hdr.msg_id, NULL, 0, &d));
	EXPECT_EQ(0, reply_d(self->chan, s.hdr.msg_id, NULL, 0, NULL));
	EXPECT_EQ(0, fipc_bg_join(&bg));
	EXPECT_TRUE(desc_is(&c.rep_desc, 0, 0, NONE));
}

/* ------------------------------------------------------------------ */
/* One connection with a region, both sides mapped */

FIXTURE(region) {
	struct rgn r;
};

FIXTURE_SETUP(region)
{
	ASSERT_EQ(0, rgn_open(&self->r, "rgn", RGN_SIZE));
	ASSERT_EQ(32768U, self->r.l.area_size);
}

FIXTURE_TEARDOWN(region)
{
	rgn_close(&self->r);
}

TEST_F(region, ctl_header)
{
	unsigned char *halves[] = { self->r.cmine, self->r.cpeer,
				    self->r.smine, self->r.speer };
	const struct fastipc_region_ctl *ctl;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(halves); i++) {
		ctl = (const void *)halves[i];
		EXPECT_EQ(FASTIPC_REGION_MAGIC, ctl->magic)
			TH_LOG("half %u", i);
		EXPECT_EQ((__u32)FASTIPC_REGION_VERSION, ctl->version);
		EXPECT_EQ(self->r.l.size, ctl->size);
		EXPECT_EQ((__u64)self->r.l.area_size, ctl->area_size);
		EXPECT_EQ(0U, ctl->producer);
		EXPECT_EQ(0U, ctl->consumer);
		EXPECT_EQ(0U, ctl->eventcount);
		EXPECT_EQ(0U, ctl->waiting);
	}
}

TEST_F(region, conn_region_args)
{
	struct fastipc_conn_region cr;
	int fd;

	EXPECT_EQ(-ENOENT, conn_region(self->r.chan, self->r.conn_id + 1000,
				       NULL));
	memset(&cr, 0, sizeof(cr));
	cr.conn_id = self->r.conn_id;
	cr.flags = 1;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->r.chan, FASTIPC_IOC_CONN_REGION,
				      &cr));
	cr.flags = 0;
	cr.pad = 1;
	EXPECT_EQ(-EINVAL, fipc_ioctl(self->r.chan, FASTIPC_IOC_CONN_REGION,
				      &cr));
	fd = conn_region(self->r.chan, self->r.conn_id, &cr.layout);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, memcmp(&cr.layout, &self->r.l, sizeof(cr.layout)));
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD));
	close(fd);
	/* Once the client is gone, the connection is unknown. */
	closefd(&self->r.conn);
	EXPECT_EQ(-ENOENT, conn_region(self->r.chan, self->r.conn_id, NULL));
}

/* ------------------------------------------------------------------ */
/* mmap rules */

TEST_F(region, halves_shared)
{
	struct rgn *r = &self->r;
	__u32 a = r->l.area_size;

	fipc_fill(AREA(r, cmine), a, 1);
	EXPECT_EQ(-1, fipc_mismatch(AREA(r, speer), a, 1));
	fipc_fill(AREA(r, smine), a, 2);
	EXPECT_EQ(-1, fipc_mismatch(AREA(r, cpeer), a, 2));
	WORD(r, cmine, producer) = 0x1234;
	EXPECT_EQ(0x1234U, WORD(r, speer, producer));
	WORD(r, smine, consumer) = 0x4321;
	EXPECT_EQ(0x4321U, WORD(r, cpeer, consumer));
}

TEST_F(region, peer_half_write_eacces)
{
	struct rgn *r = &self->r;
	size_t h = r->l.half_size;

	EXPECT_EQ(-EACCES, map_err(r->conn, r->l.server_off, h,
				   PROT_READ | PROT_WRITE, MAP_SHARED));
	EXPECT_EQ(-EACCES, map_err(r->conn, r->l.server_off, h, PROT_WRITE,
				   MAP_SHARED));
	EXPECT_EQ(-EACCES, map_err(r->rfd, r->l.client_off, h,
				   PROT_READ | PROT_WRITE, MAP_SHARED));
	EXPECT_EQ(-EACCES, map_err(r->rfd, r->l.client_off, h, PROT_WRITE,
				   MAP_SHARED));
}

TEST_F(region, peer_half_mprotect)
{
	struct rgn *r = &self->r;
	size_t h = r->l.half_size;

	ASSERT_EQ(-1, mprotect(r->cpeer, h, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	ASSERT_EQ(-1, mprotect(r->speer, PG, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	/* Own halves may drop and regain write access. */
	EXPECT_EQ(0, mprotect(r->cmine, h, PROT_READ));
	EXPECT_EQ(0, mprotect(r->cmine, h, PROT_READ | PROT_WRITE));
	EXPECT_EQ(0, mprotect(r->smine, h, PROT_READ));
	EXPECT_EQ(0, mprotect(r->smine, h, PROT_READ | PROT_WRITE));
	r->cmine[h - 1] = 7;
	EXPECT_EQ(7, r->speer[h - 1]);
}

TEST_F(region, bad_geometry_einval)
{
	struct rgn *r = &self->r;
	__u64 h = r->l.half_size, s = r->l.server_off;
	const struct { __u64 off, len; } bad[] = {
		{ 0, PG }, { 0, h + PG }, { 0, h - PG }, { PG, h },
		{ PG, h - PG }, { s + PG, h - PG }, { s + PG, h },
		{ 2 * h, h }, { 0, 2 * h }, { s, PG },
	};
	int fds[] = { r->conn, r->rfd };
	unsigned int i, j;

	for (j = 0; j < ARRAY_SIZE(fds); j++) {
		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			__u64 off = bad[i].off, len = bad[i].len;

			EXPECT_EQ(-EINVAL, map_err(fds[j], off, len, PROT_READ,
						   MAP_SHARED))
				TH_LOG("fd %u off %llu len %llu", j, off, len);
		}
	}
}

TEST_F(region, map_private_einval)
{
	struct rgn *r = &self->r;
	size_t h = r->l.half_size;

	EXPECT_EQ(-EINVAL, map_err(r->conn, r->l.client_off, h, PROT_READ,
				   MAP_PRIVATE));
	EXPECT_EQ(-EINVAL, map_err(r->conn, r->l.client_off, h,
				   PROT_READ | PROT_WRITE, MAP_PRIVATE));
	EXPECT_EQ(-EINVAL, map_err(r->conn, r->l.server_off, h, PROT_READ,
				   MAP_PRIVATE));
	EXPECT_EQ(-EINVAL, map_err(r->rfd, r->l.server_off, h,
				   PROT_READ | PROT_WRITE, MAP_PRIVATE));
	EXPECT_EQ(-EINVAL, map_err(r->rfd, r->l.client_off, h, PROT_READ,
				   MAP_PRIVATE));
}

TEST_F(region, mremap_grow_fails)
{
	struct rgn *r = &self->r;
	size_t h = r->l.half_size;
	unsigned char **maps[] = { &r->cmine, &r->cpeer, &r->smine, &r->speer };
	unsigned int i;
	void *p;

	for (i = 0; i < ARRAY_SIZE(maps); i++) {
		p = mremap(*maps[i], h, h + PG, MREMAP_MAYMOVE);
		EXPECT_EQ(MAP_FAILED, p) TH_LOG("mapping %u", i);
		if (p != MAP_FAILED) {
			*maps[i] = p;
			munmap((char *)p + h, PG);
			continue;
		}
		EXPECT_EQ(EFAULT, errno);
		EXPECT_EQ(MAP_FAILED, mremap(*maps[i], h, h + PG, 0));
	}
	/* The mappings still work. */
	r->cmine[PG] = 0x5a;
	EXPECT_EQ(0x5a, r->speer[PG]);
}

static int touch_child(unsigned char *p, int write)
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

struct remap_arg {
	struct rgn *r;
};

/* In a forked child: map both sides again from the inherited fds. */
static int remap_child(void *arg)
{
	struct rgn *r = ((struct remap_arg *)arg)->r;
	size_t h = r->l.half_size;
	unsigned char *cm, *sp;

	cm = map(r->conn, r->l.client_off, h, PROT_READ | PROT_WRITE);
	sp = map(r->rfd, r->l.client_off, h, PROT_READ);
	CHILD_CHECK(cm && sp);
	CHILD_CHECK(fipc_mismatch(cm + r->l.area_off, 4096, 3) == -1);
	fipc_fill(cm + r->l.area_off + 8192, 4096, 4);
	CHILD_CHECK(fipc_mismatch(sp + r->l.area_off + 8192, 4096, 4) == -1);
	return 0;
}

TEST_F(region, fork_not_inherited)
{
	struct rgn *r = &self->r;
	unsigned char *maps[] = { r->cmine, r->cpeer, r->smine, r->speer };
	struct remap_arg ra = { r };
	unsigned int i;
	int st;

	for (i = 0; i < ARRAY_SIZE(maps); i++) {
		st = touch_child(maps[i], 0);
		EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV)
			TH_LOG("read mapping %u: status %#x", i, st);
	}
	st = touch_child(r->cmine, 1);
	EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV)
		TH_LOG("write: status %#x", st);
	fipc_fill(AREA(r, cmine), 4096, 3);
	EXPECT_EQ(0, fipc_wait(fipc_fork(remap_child, &ra)));
	EXPECT_EQ(-1, fipc_mismatch(AREA(r, speer) + 8192, 4096, 4));
}

/* Forced writes (/proc/self/mem, as ptrace does) cannot reach a RO half. */
TEST_F(region, peer_half_force_write)
{
	struct rgn *r = &self->r;
	unsigned char *ro[] = { AREA(r, cpeer), AREA(r, speer) };
	unsigned char b = 0xee;
	unsigned int i;
	int fd;

	fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	for (i = 0; i < ARRAY_SIZE(ro); i++) {
		EXPECT_EQ(-1, pwrite(fd, &b, 1, (off_t)(uintptr_t)ro[i]))
			TH_LOG("half %u", i);
		EXPECT_EQ(0, ro[i][0]);
	}
	/* The writable halves can be written that way. */
	EXPECT_EQ(1, pwrite(fd, &b, 1, (off_t)(uintptr_t)AREA(r, cmine)));
	EXPECT_EQ(0xee, AREA(r, speer)[0]);
	close(fd);
}

/*
 * "A forked child does not inherit it": even after madvise(MADV_DOFORK),
 * which clears VM_DONTCOPY unless the kernel forbids it.
 */
/*
 * MADV_DOFORK is the documented way for an owner to hand its mapping to a
 * child: the child then shares it, and the peer's half stays read-only.
 */
TEST_F(region, fork_after_madv_dofork)
{
	struct rgn *r = &self->r;
	size_t h = r->l.half_size;
	int st;

	ASSERT_EQ(0, madvise(r->cmine, h, MADV_DOFORK));
	st = touch_child(r->cmine, 1);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
		TH_LOG("child status %#x writing its own inherited half", st);
	EXPECT_EQ(1, r->cmine[0]);
	ASSERT_EQ(0, madvise(r->cpeer, h, MADV_DOFORK));
	st = touch_child(r->cpeer, 0);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
		TH_LOG("child status %#x reading the inherited peer half", st);
	st = touch_child(r->cpeer, 1);
	EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV)
		TH_LOG("child status %#x: the peer half became writable", st);
}

TEST_F(region, munmap_then_fd)
{
	struct rgn *r = &self->r;
	struct fastipc_desc d = { .offset = 100, .len = 200, .area = C2S };
	struct fastipc_serve s;

	fipc_fill(AREA(r, cmine), 4096, 5);
	unmap(&r->cmine, r->l.half_size);
	unmap(&r->cpeer, r->l.half_size);
	EXPECT_EQ(0, notify(r->conn));
	EXPECT_EQ(-EAGAIN, do_wait(r->conn, 0, FASTIPC_F_NONBLOCK, 0));
	r->cmine = map(r->conn, r->l.client_off, r->l.half_size,
		       PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, r->cmine);
	EXPECT_EQ(-1, fipc_mismatch(AREA(r, cmine), 4096, 5));
	fipc_fill(AREA(r, cmine) + 100, 200, 6);
	ASSERT_EQ(0, send_d(r->conn, NULL, 0, &d));
	ASSERT_EQ(0, recv_msg(r->chan, NULL, 0, &s));
	EXPECT_TRUE(desc_is(&s.desc, 100, 200, C2S));
	EXPECT_EQ(-1, fipc_mismatch(AREA(r, speer) + 100, 200, 6));
}

TEST_F(region, close_fd_while_mapped)
{
	struct rgn *r = &self->r;
	int fd;

	/* Server side: the region fd goes, the mappings stay. */
	closefd(&r->rfd);
	fipc_fill(AREA(r, smine), 8192, 7);
	EXPECT_EQ(-1, fipc_mismatch(AREA(r, cpeer), 8192, 7));
	fd = conn_region(r->chan, r->conn_id, NULL);
	ASSERT_LE(0, fd);
	/* Client side: the connection goes, the mappings stay. */
	closefd(&r->conn);
	fipc_fill(AREA(r, cmine), 8192, 8);
	EXPECT_EQ(-1, fipc_mismatch(AREA(r, speer), 8192, 8));
	EXPECT_EQ(-1, fipc_mismatch(AREA(r, cpeer), 8192, 7));
	WORD(r, cmine, eventcount) = 3;
	EXPECT_EQ(3U, WORD(r, speer, eventcount));
	EXPECT_EQ(-ECONNRESET, notify(fd));
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Descriptors */

TEST_F(region, desc_call_delivered)
{
	struct rgn *r = &self->r;
	__u32 a = r->l.area_size;
	const struct { __u64 off; __u32 len; } ok[] = {
		{ 0, 100 }, { a - 1, 1 }, { 0, a }, { 8, 0 },
	};
	struct fastipc_serve s;
	struct fastipc_call c;
	struct fipc_bg bg;
	unsigned int i;
	char buf[8];

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		fipc_fill(AREA(r, cmine) + ok[i].off, ok[i].len, 10 + i);
		fipc_call_init(&c, 2, "hi", 2, NULL, 0);
		set_desc(&c.req_desc, ok[i].off, ok[i].len, C2S);
		ASSERT_EQ(0, fipc_bg_start(&bg, r->conn, FASTIPC_IOC_CALL, &c));
		ASSERT_EQ(2, recv_msg(r->chan, buf, sizeof(buf), &s));
		EXPECT_EQ((__u32)FASTIPC_MSG_REQUEST, s.hdr.type);
		EXPECT_EQ(0, memcmp(buf, "hi", 2));
		EXPECT_TRUE(desc_is(&s.desc, ok[i].off, ok[i].len, C2S))
			TH_LOG("case %u: got off %llu len %u area %u", i,
			       s.desc.offset, s.desc.len, s.desc.area);
		EXPECT_EQ(-1, fipc_mismatch(AREA(r, speer) + s.desc.offset,
					    s.desc.len, 10 + i));
		EXPECT_EQ(0, reply_d(r->chan, s.hdr.msg_id, NULL, 0, NULL));
		EXPECT_EQ(0, fipc_bg_join(&bg));
		EXPECT_TRUE(desc_is(&c.rep_desc, 0, 0, NONE));
	}
}

TEST_F(region, desc_call_einval)
{
	struct rgn *r = &self->r;
	__u32 a = r->l.area_size;
	const struct fastipc_desc bad[] = {
		{ a - 10, 11, C2S },		/* past the end */
		{ a, 1, C2S },			/* starts at the end */
		{ 0, a + 1, C2S },		/* longer than the area */
		{ ~0ULL - 7, 16, C2S },		/* offset + len wraps */
		{ ~0ULL, 1, C2S },
		{ 1ULL << 32, 1, C2S },
		{ 0, 1, S2C },			/* the server's area */
		{ 0, 1, 5 },			/* no such area */
		{ 1, 0, NONE },			/* NONE with an offset */
		{ 0, 1, NONE },			/* NONE with a length */
	};
	struct fastipc_call c;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		fipc_call_init(&c, 3, "x", 1, NULL, 0);
		c.timeout_ns = 100 * FIPC_MS;
		c.req_desc = bad[i];
		EXPECT_EQ(-EINVAL, fipc_ioctl(r->conn, FASTIPC_IOC_CALL, &c))
			TH_LOG("CALL case %u", i);
		EXPECT_EQ(-EINVAL, send_d(r->conn, "x", 1, &bad[i]))
			TH_LOG("SEND case %u", i);
	}
	EXPECT_EQ(-EAGAIN, fipc_recv(r->chan, NULL, 0, FASTIPC_F_NONBLOCK, 0,
				     NULL));
}

/* A CALL in the background, received by the test: the serve struct. */
static int start_call(struct rgn *r, struct fipc_bg *bg, struct fastipc_call *c,
		      void *rep, __u32 cap, struct fastipc_serve *s)
{
	char buf[8];
	int ret;

	fipc_call_init(c, 4, "q", 1, rep, cap);
	ret = fipc_bg_start(bg, r->conn, FASTIPC_IOC_CALL, c);
	if (ret)
		return ret;
	ret = recv_msg(r->chan, buf, sizeof(buf), s);
	return ret == 1 ? 0 : ret < 0 ? ret : -EPROTO;
}

TEST_F(region, reply_desc_delivered)
{
	struct rgn *r = &self->r;
	__u32 off = r->l.area_size / 2;
	struct fastipc_desc d = { .offset = off, .len = 300, .area = S2C };
	struct fastipc_serve s;
	struct fastipc_call c;
	struct fipc_bg bg;
	char rep[8];

	ASSERT_EQ(0, start_call(r, &bg, &c, rep, sizeof(rep), &s));
	fipc_fill(AREA(r, smine) + off, 300, 20);
	EXPECT_EQ(0, reply_d(r->chan, s.hdr.msg_id, "ok", 2, &d));
	ASSERT_EQ(0, fipc_bg_join(&bg));
	EXPECT_EQ(2U, c.rep_len);
	EXPECT_EQ(0, memcmp(rep, "ok", 2));
	EXPECT_TRUE(desc_is(&c.rep_desc, off, 300, S2C))
		TH_LOG("got off %llu len %u area %u", c.rep_desc.offset,
		       c.rep_desc.len, c.rep_desc.area);
	EXPECT_EQ(-1, fipc_mismatch(AREA(r, cpeer) + c.rep_desc.offset,
				    c.rep_desc.len, 20));
}

TEST_F(region, reply_recv_desc)
{
	struct rgn *r = &self->r;
	struct fastipc_serve s, rr;
	struct fastipc_call c;
	struct fipc_bg bg;

	ASSERT_EQ(0, start_call(r, &bg, &c, NULL, 0, &s));
	fipc_fill(AREA(r, smine), 64, 21);
	memset(&rr, 0, sizeof(rr));
	rr.reply_id = s.hdr.msg_id;
	set_desc(&rr.reply_desc, 0, 64, S2C);
	rr.flags = FASTIPC_F_NONBLOCK;
	EXPECT_EQ(-EAGAIN, fipc_ioctl(r->chan, FASTIPC_IOC_REPLY_RECV, &rr));
	EXPECT_EQ(FASTIPC_SERVE_REPLIED, rr.out_flags);
	ASSERT_EQ(0, fipc_bg_join(&bg));
	EXPECT_TRUE(desc_is(&c.rep_desc, 0, 64, S2C));
	EXPECT_EQ(-1, fipc_mismatch(AREA(r, cpeer), 64, 21));
}

TEST_F(region, reply_desc_einval)
{
	struct rgn *r = &self->r;
	__u32 a = r->l.area_size;
	const struct fastipc_desc bad[] = {
		{ 0, 1, C2S },			/* the client's area */
		{ a - 1, 2, S2C },		/* past the end */
		{ 0, a + 1, S2C },		/* longer than the area */
		{ ~0ULL, 2, S2C },		/* wraps */
		{ 0, 1, 3 },			/* no such area */
		{ 4, 0, NONE },			/* NONE with an offset */
	};
	struct fastipc_desc good = { .offset = a - 1, .len = 1, .area = S2C };
	struct fastipc_serve s;
	struct fastipc_call c;
	struct fipc_bg bg;
	unsigned int i;

	ASSERT_EQ(0, start_call(r, &bg, &c, NULL, 0, &s));
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(-EINVAL, reply_d(r->chan, s.hdr.msg_id, NULL, 0,
					   &bad[i]))
			TH_LOG("case %u", i);
	/* The request is still outstanding and answerable. */
	EXPECT_EQ(-EINPROGRESS, bg.ret);
	AREA(r, smine)[a - 1] = 0x77;
	EXPECT_EQ(0, reply_d(r->chan, s.hdr.msg_id, NULL, 0, &good));
	ASSERT_EQ(0, fipc_bg_join(&bg));
	EXPECT_TRUE(desc_is(&c.rep_desc, a - 1, 1, S2C));
	EXPECT_EQ(0x77, AREA(r, cpeer)[a - 1]);
}

/* REPLY_RECV whose reply is refused receives nothing. */
TEST_F(region, reply_recv_bad_desc)
{
	struct rgn *r = &self->r;
	struct fastipc_desc sd = { .offset = 0, .len = 16, .area = C2S };
	struct fastipc_serve s, rr;
	struct fastipc_call c;
	struct fipc_bg bg;
	char buf[8];

	ASSERT_EQ(0, start_call(r, &bg, &c, NULL, 0, &s));
	ASSERT_EQ(0, send_d(r->conn, NULL, 0, &sd));
	memset(&rr, 0, sizeof(rr));
	rr.reply_id = s.hdr.msg_id;
	set_desc(&rr.reply_desc, 0, 16, C2S);
	rr.buf_ptr = (uintptr_t)buf;
	rr.buf_cap = sizeof(buf);
	rr.flags = FASTIPC_F_NONBLOCK;
	EXPECT_EQ(-EINVAL, fipc_ioctl(r->chan, FASTIPC_IOC_REPLY_RECV, &rr));
	EXPECT_EQ(0U, rr.out_flags);
	EXPECT_EQ(-EINPROGRESS, bg.ret);
	rr.reply_desc.area = S2C;
	EXPECT_EQ(0, fipc_ioctl(r->chan, FASTIPC_IOC_REPLY_RECV, &rr));
	EXPECT_EQ(FASTIPC_SERVE_REPLIED | FASTIPC_SERVE_RECEIVED, rr.out_flags);
	EXPECT_EQ((__u32)FASTIPC_MSG_ONEWAY, rr.hdr.type);
	EXPECT_TRUE(desc_is(&rr.desc, 0, 16, C2S));
	ASSERT_EQ(0, fipc_bg_join(&bg));
	EXPECT_TRUE(desc_is(&c.rep_desc, 0, 16, S2C));
}

TEST_F(region, recv_reply_desc_einval)
{
	struct rgn *r = &self->r;
	struct fastipc_desc d = { .offset = 0, .len = 8, .area = C2S };
	struct fastipc_serve s;

	ASSERT_EQ(0, send_d(r->conn, NULL, 0, &d));
	memset(&s, 0, sizeof(s));
	set_desc(&s.reply_desc, 0, 1, S2C);
	EXPECT_EQ(-EINVAL, fipc_ioctl(r->chan, FASTIPC_IOC_RECV, &s));
	memset(&s, 0, sizeof(s));
	set_desc(&s.reply_desc, 8, 0, NONE);
	EXPECT_EQ(-EINVAL, fipc_ioctl(r->chan, FASTIPC_IOC_RECV, &s));
	memset(&s, 0, sizeof(s));
	s.reply_desc.area = S2C;
	EXPECT_EQ(-EINVAL, fipc_ioctl(r->chan, FASTIPC_IOC_RECV, &s));
	/* Nothing was consumed. */
	EXPECT_EQ(0, recv_msg(r->chan, NULL, 0, &s));
	EXPECT_TRUE(desc_is(&s.desc, 0, 8, C2S));
}

TEST_F(region, send_desc_delivered)
{
	struct rgn *r = &self->r;
	__u32 a = r->l.area_size;
	struct fastipc_desc d = {
		.offset = a - 4096, .len = 4096, .area = C2S,
	};
	struct fastipc_serve s;
	char buf[8];

	fipc_fill(AREA(r, cmine) + d.offset, d.len, 30);
	ASSERT_EQ(0, send_d(r->conn, "abc", 3, &d));
	ASSERT_EQ(3, recv_msg(r->chan, buf, sizeof(buf), &s));
	EXPECT_EQ((__u32)FASTIPC_MSG_ONEWAY, s.hdr.type);
	EXPECT_EQ(r->conn_id, s.hdr.conn_id);
	EXPECT_EQ(0, memcmp(buf, "abc", 3));
	EXPECT_TRUE(desc_is(&s.desc, a - 4096, 4096, C2S));
	EXPECT_EQ(-1, fipc_mismatch(AREA(r, speer) + s.desc.offset,
				    s.desc.len, 30));
	EXPECT_EQ(-ENOENT, reply_d(r->chan, s.hdr.msg_id, NULL, 0, NULL));
}

TEST_F(region, stat_bytes_shm)
{
	struct rgn *r = &self->r;
	struct fastipc_desc rd = { .offset = 0, .len = 300, .area = S2C };
	struct fastipc_desc sd = { .offset = 5, .len = 77, .area = C2S };
	struct fastipc_chan_stat st0, st1;
	struct fastipc_serve s;
	struct fastipc_call c;
	struct fipc_bg bg;
	char rep[8], req[16];

	ASSERT_EQ(0, fipc_stat(r->ctl, r->name, &st0));
	EXPECT_EQ(0ULL, st0.counters.bytes_shm);
	fipc_call_init(&c, 5, "0123456789", 10, rep, sizeof(rep));
	set_desc(&c.req_desc, 1000, 1000, C2S);
	ASSERT_EQ(0, fipc_bg_start(&bg, r->conn, FASTIPC_IOC_CALL, &c));
	ASSERT_EQ(10, recv_msg(r->chan, req, sizeof(req), &s));
	EXPECT_EQ(0, reply_d(r->chan, s.hdr.msg_id, "abcde", 5, &rd));
	ASSERT_EQ(0, fipc_bg_join(&bg));
	ASSERT_EQ(0, send_d(r->conn, NULL, 0, &sd));
	ASSERT_EQ(0, recv_msg(r->chan, NULL, 0, &s));
	ASSERT_EQ(0, fipc_stat(r->ctl, r->name, &st1));
	EXPECT_EQ(1000ULL + 300 + 77,
		  st1.counters.bytes_shm - st0.counters.bytes_shm);
	EXPECT_EQ(15ULL, st1.counters.bytes_copied - st0.counters.bytes_copied);
	EXPECT_EQ(1ULL, st1.counters.calls - st0.counters.calls);
	EXPECT_EQ(1ULL, st1.counters.oneway - st0.counters.oneway);
}

/* ------------------------------------------------------------------ */
/* The doorbell */

TEST_F(region, wait_eventcount_differs)
{
	struct rgn *r = &self->r;

	WORD(r, smine, eventcount) = 5;
	EXPECT_EQ(0, do_wait(r->conn, 0, FASTIPC_F_NONBLOCK, 0));
	EXPECT_EQ(0, do_wait(r->conn, 4, 0, 0));
	EXPECT_EQ(-EAGAIN, do_wait(r->conn, 5, FASTIPC_F_NONBLOCK, 0));
	WORD(r, cmine, eventcount) = 9;
	EXPECT_EQ(0, do_wait(r->rfd, 0, FASTIPC_F_NONBLOCK, 0));
	EXPECT_EQ(0, do_wait(r->rfd, 10, 0, 0));
	EXPECT_EQ(-EAGAIN, do_wait(r->rfd, 9, FASTIPC_F_NONBLOCK, 0));
}

TEST_F(region, wait_timeout)
{
	int fds[] = { self->r.conn, self->r.rfd };
	unsigned int i;
	__u64 t0;

	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		t0 = mono_ns();
		EXPECT_EQ(-ETIMEDOUT, do_wait(fds[i], 0, FASTIPC_F_TIMEOUT,
					      FIPC_MS));
		EXPECT_LE(t0 + FIPC_MS, mono_ns());
		EXPECT_EQ(-ETIMEDOUT, do_wait(fds[i], 0, FASTIPC_F_TIMEOUT, 0));
	}
}

TEST_F(region, wait_nonblock)
{
	int fds[] = { self->r.conn, self->r.rfd };
	unsigned int i;
	int fl;

	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		EXPECT_EQ(-EAGAIN, do_wait(fds[i], 0, FASTIPC_F_NONBLOCK, 0));
		fl = fcntl(fds[i], F_GETFL);
		ASSERT_EQ(0, fcntl(fds[i], F_SETFL, fl | O_NONBLOCK));
		EXPECT_EQ(-EAGAIN, do_wait(fds[i], 0, 0, 0));
		ASSERT_EQ(0, fcntl(fds[i], F_SETFL, fl));
		EXPECT_EQ(-EINVAL, do_wait(fds[i], 0, 0x4, 0));
		EXPECT_EQ(-EINVAL, do_wait(fds[i], 0, FASTIPC_F_NONBLOCK, 5));
	}
}

/* A WAIT on @fd blocks; @wake (run by the test) must end it with @want. */
static void wait_woken(struct __test_metadata *_metadata, int fd, __u32 ev,
		       int (*wake)(struct rgn *r), struct rgn *r, int want)
{
	struct fastipc_wait w = {
		.eventcount = ev, .flags = FASTIPC_F_TIMEOUT,
		.timeout_ns = FIPC_WAIT_NS,
	};
	struct fipc_bg bg;

	ASSERT_EQ(0, fipc_bg_start(&bg, fd, FASTIPC_IOC_WAIT, &w));
	ASSERT_EQ(0, fipc_bg_blocked(&bg));
	EXPECT_EQ(-EINPROGRESS, bg.ret);
	EXPECT_EQ(0, wake(r));
	EXPECT_EQ(want, fipc_bg_join(&bg));
}

static int wake_notify_client(struct rgn *r)
{
	return notify(r->rfd);
}

static int wake_notify_server(struct rgn *r)
{
	return notify(r->conn);
}

static int wake_bump_client(struct rgn *r)
{
	__atomic_store_n((__u32 *)(r->smine + r->l.eventcount_off),
			 WORD(r, smine, eventcount) + 1, __ATOMIC_RELEASE);
	return notify(r->rfd);
}

static int wake_bump_server(struct rgn *r)
{
	__atomic_store_n((__u32 *)(r->cmine + r->l.eventcount_off),
			 WORD(r, cmine, eventcount) + 1, __ATOMIC_RELEASE);
	return notify(r->conn);
}

static int wake_server_close(struct rgn *r)
{
	closefd(&r->chan);
	return 0;
}

static int wake_client_close(struct rgn *r)
{
	closefd(&r->conn);
	return 0;
}

TEST_F(region, notify_wakes_client)
{
	wait_woken(_metadata, self->r.conn, 0, wake_notify_client, &self->r, 0);
	EXPECT_EQ(0U, WORD(&self->r, cpeer, eventcount));
}

TEST_F(region, notify_wakes_server)
{
	wait_woken(_metadata, self->r.rfd, 0, wake_notify_server, &self->r, 0);
	EXPECT_EQ(0U, WORD(&self->r, speer, eventcount));
}

TEST_F(region, eventcount_bump_wakes)
{
	struct rgn *r = &self->r;

	wait_woken(_metadata, r->conn, 0, wake_bump_client, r, 0);
	EXPECT_EQ(1U, WORD(r, cpeer, eventcount));
	EXPECT_EQ(0, do_wait(r->conn, 0, FASTIPC_F_NONBLOCK, 0));
	wait_woken(_metadata, r->rfd, 0, wake_bump_server, r, 0);
	EXPECT_EQ(1U, WORD(r, speer, eventcount));
	EXPECT_EQ(0, do_wait(r->rfd, 0, FASTIPC_F_NONBLOCK, 0));
}

/* The waiting thread records its tid for the signal. */
struct sig_wait {
	int fd;
	int ret;
	volatile pid_t tid;
};

static void *sig_wait_fn(void *arg)
{
	struct sig_wait *sw = arg;

	sw->tid = fipc_gettid();
	sw->ret = do_wait(sw->fd, 0, FASTIPC_F_TIMEOUT, FIPC_WAIT_NS);
	return NULL;
}

TEST_F(region, wait_eintr)
{
	int fds[] = { self->r.conn, self->r.rfd };
	struct sigaction sa;
	struct sig_wait sw;
	pthread_t th;
	unsigned int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART */
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		memset(&sw, 0, sizeof(sw));
		sw.fd = fds[i];
		sw.ret = -EINPROGRESS;
		ASSERT_EQ(0, pthread_create(&th, NULL, sig_wait_fn, &sw));
		while (!sw.tid)
			usleep(1000);
		ASSERT_EQ(0, fipc_wait_blocked(getpid(), sw.tid));
		EXPECT_EQ(0, syscall(SYS_tgkill, getpid(), sw.tid, SIGUSR1));
		pthread_join(th, NULL);
		EXPECT_EQ(-EINTR, sw.ret) TH_LOG("fd %u", i);
	}
}

TEST_F(region, server_death_wakes_client)
{
	struct rgn *r = &self->r;

	wait_woken(_metadata, r->conn, 0, wake_server_close, r, -ECONNRESET);
	EXPECT_EQ(-ECONNRESET, do_wait(r->conn, 0, 0, 0));
	EXPECT_EQ(-ECONNRESET, do_wait(r->conn, 7, 0, 0));
	EXPECT_EQ(-ECONNRESET, notify(r->conn));
	EXPECT_EQ(POLLHUP, poll1(r->conn, POLLIN | POLLOUT, 0));
	/* The server's region fd sees the same dead region. */
	EXPECT_EQ(-ECONNRESET, notify(r->rfd));
	EXPECT_EQ(POLLHUP, poll1(r->rfd, POLLIN, 0));
}

static int wake_rmid(struct rgn *r)
{
	return fipc_rmid(r->ctl, r->name);
}

TEST_F(region, rmid_wakes_both)
{
	struct rgn *r = &self->r;
	struct fastipc_wait w = {
		.flags = FASTIPC_F_TIMEOUT, .timeout_ns = FIPC_WAIT_NS,
	};
	struct fipc_bg bg;

	ASSERT_EQ(0, fipc_bg_start(&bg, r->rfd, FASTIPC_IOC_WAIT, &w));
	ASSERT_EQ(0, fipc_bg_blocked(&bg));
	wait_woken(_metadata, r->conn, 0, wake_rmid, r, -ECONNRESET);
	EXPECT_EQ(-ECONNRESET, fipc_bg_join(&bg));
	EXPECT_EQ(POLLHUP, poll1(r->conn, POLLIN, 0));
	EXPECT_EQ(POLLHUP, poll1(r->rfd, POLLIN, 0));
}

TEST_F(region, client_death_wakes_server)
{
	struct rgn *r = &self->r;

	wait_woken(_metadata, r->rfd, 0, wake_client_close, r, -ECONNRESET);
	EXPECT_EQ(-ECONNRESET, do_wait(r->rfd, 0, 0, 0));
	EXPECT_EQ(-ECONNRESET, notify(r->rfd));
	EXPECT_EQ(POLLHUP, poll1(r->rfd, POLLIN, 0));
}

TEST_F(region, poll_rings)
{
	struct rgn *r = &self->r;

	EXPECT_EQ(POLLOUT, poll1(r->conn, POLLIN | POLLOUT, 0));
	EXPECT_EQ(0, poll1(r->rfd, POLLIN | POLLOUT, 0));
	/* The server produced: the client's fd is readable. */
	WORD(r, smine, producer) = 8;
	EXPECT_EQ(POLLIN | POLLOUT, poll1(r->conn, POLLIN | POLLOUT, 0));
	EXPECT_EQ(0, poll1(r->rfd, POLLIN | POLLOUT, 0));
	WORD(r, cmine, consumer) = 8;
	EXPECT_EQ(POLLOUT, poll1(r->conn, POLLIN | POLLOUT, 0));
	/* The client produced: the region fd is readable. */
	WORD(r, cmine, producer) = 16;
	EXPECT_EQ(POLLIN, poll1(r->rfd, POLLIN | POLLOUT, 0));
	EXPECT_EQ(POLLOUT, poll1(r->conn, POLLIN | POLLOUT, 0));
	WORD(r, smine, consumer) = 16;
	EXPECT_EQ(0, poll1(r->rfd, POLLIN | POLLOUT, 0));
}

struct poll_arg {
	int fd;
	short revents;
};

static void *poll_fn(void *arg)
{
	struct poll_arg *pa = arg;

	pa->revents = poll1(pa->fd, POLLIN, 10000);
	return NULL;
}

TEST_F(region, poll_woken_by_notify)
{
	struct rgn *r = &self->r;
	struct poll_arg pa = { .fd = r->rfd, .revents = -2 };
	pthread_t th;

	ASSERT_EQ(0, pthread_create(&th, NULL, poll_fn, &pa));
	usleep(100 * 1000);
	EXPECT_EQ(-2, pa.revents);
	WORD(r, cmine, producer) = 24;
	EXPECT_EQ(0, notify(r->conn));
	pthread_join(th, NULL);
	EXPECT_EQ(POLLIN, pa.revents);
	pa.fd = r->conn;
	pa.revents = -2;
	ASSERT_EQ(0, pthread_create(&th, NULL, poll_fn, &pa));
	usleep(100 * 1000);
	EXPECT_EQ(-2, pa.revents);
	closefd(&r->chan);		/* server death: POLLHUP */
	pthread_join(th, NULL);
	EXPECT_EQ(POLLHUP, pa.revents);
}

/* The waiter's fd is a dup that the test closes, and the maps go. */
TEST_F(region, munmap_close_during_wait_notify)
{
	struct rgn *r = &self->r;
	struct fipc_bg bg;
	struct fastipc_wait w = {
		.flags = FASTIPC_F_TIMEOUT, .timeout_ns = FIPC_WAIT_NS,
	};
	int d = dup(r->conn);

	ASSERT_LE(0, d);
	ASSERT_EQ(0, fipc_bg_start(&bg, d, FASTIPC_IOC_WAIT, &w));
	ASSERT_EQ(0, fipc_bg_blocked(&bg));
	unmap(&r->cmine, r->l.half_size);
	unmap(&r->cpeer, r->l.half_size);
	close(d);
	usleep(20 * 1000);
	EXPECT_EQ(-EINPROGRESS, bg.ret);
	EXPECT_EQ(0, notify(r->rfd));
	EXPECT_EQ(0, fipc_bg_join(&bg));
}

/* Every region fd and map of the waiting server goes; then the client. */
TEST_F(region, munmap_close_during_wait_death)
{
	struct rgn *r = &self->r;
	struct fipc_bg bg;
	struct fastipc_wait w = {
		.flags = FASTIPC_F_TIMEOUT, .timeout_ns = FIPC_WAIT_NS,
	};
	int d = dup(r->rfd);

	ASSERT_LE(0, d);
	ASSERT_EQ(0, fipc_bg_start(&bg, d, FASTIPC_IOC_WAIT, &w));
	ASSERT_EQ(0, fipc_bg_blocked(&bg));
	unmap(&r->smine, r->l.half_size);
	unmap(&r->speer, r->l.half_size);
	close(d);
	closefd(&r->rfd);
	usleep(20 * 1000);
	EXPECT_EQ(-EINPROGRESS, bg.ret);
	closefd(&r->conn);
	EXPECT_EQ(-ECONNRESET, fipc_bg_join(&bg));
}

/* ------------------------------------------------------------------ */
/* Round trips through shared memory, payload checksums verified */

struct rt_msg {
	__u64 seed, len, sum;
};

static __u64 mix(__u64 x)
{
	x ^= x >> 31;
	x *= 0x7fb5d329728ea185ULL;
	x ^= x >> 27;
	x *= 0x81dadef4bc2dd44dULL;
	return x ^ (x >> 33);
}

static __u64 fill_sum(void *p, __u64 len, __u64 seed)
{
	__u64 *w = p, sum = seed, i;

	for (i = 0; i < len / 8; i++) {
		w[i] = mix(seed + i);
		sum = (sum ^ w[i]) * 0x100000001b3ULL;
	}
	return sum;
}

static __u64 sum_of(const void *p, __u64 len, __u64 seed)
{
	const __u64 *w = p;
	__u64 sum = seed, i;

	for (i = 0; i < len / 8; i++)
		sum = (sum ^ w[i]) * 0x100000001b3ULL;
	return sum;
}

FIXTURE(rt) {
	struct rgn r;
};

FIXTURE_VARIANT(rt) {
	__u64 len;
	__u64 region_size;
};

FIXTURE_VARIANT_ADD(rt, k4) {
	.len = 4ULL << 10, .region_size = 64ULL << 10,
};
FIXTURE_VARIANT_ADD(rt, m1) {
	.len = 1ULL << 20, .region_size = 4ULL << 20,
};
FIXTURE_VARIANT_ADD(rt, m16) {
	.len = 16ULL << 20, .region_size = 32ULL << 20,
};
/* A 128 MiB area: region_size at the default region_max (256 MiB). */
FIXTURE_VARIANT_ADD(rt, m64) {
	.len = 64ULL << 20, .region_size = 256ULL << 20,
};

FIXTURE_SETUP(rt)
{
	ASSERT_EQ(0, rgn_open(&self->r, "rt", variant->region_size));
}

FIXTURE_TEARDOWN(rt)
{
	rgn_close(&self->r);
}

TEST_F_TIMEOUT(rt, roundtrip, 300)
{
	struct rgn *r = &self->r;
	__u64 len = variant->len, off = r->l.area_size - len, t0;
	struct rt_msg req, rep, got;
	struct fastipc_desc d;
	struct fastipc_serve s;
	struct fastipc_call c;
	struct fipc_bg bg;

	ASSERT_LE(len, (__u64)r->l.area_size);
	t0 = mono_ns();
	/* Client: payload at the end of its area, checksum inline. */
	req.seed = len ^ 0x1234;
	req.len = len;
	req.sum = fill_sum(AREA(r, cmine) + off, len, req.seed);
	fipc_call_init(&c, 6, &req, sizeof(req), &rep, sizeof(rep));
	c.timeout_ns = 240 * FIPC_SEC;
	set_desc(&c.req_desc, off, (__u32)len, C2S);
	ASSERT_EQ(0, fipc_bg_start(&bg, r->conn, FASTIPC_IOC_CALL, &c));
	/* Server: verify in place, answer from the start of its area. */
	ASSERT_EQ((int)sizeof(got), recv_msg(r->chan, &got, sizeof(got), &s));
	ASSERT_TRUE(desc_is(&s.desc, off, (__u32)len, C2S));
	EXPECT_EQ(got.sum, sum_of(AREA(r, speer) + s.desc.offset, s.desc.len,
				  got.seed));
	got.seed = len ^ 0x5678;
	got.sum = fill_sum(AREA(r, smine), len, got.seed);
	set_desc(&d, 0, (__u32)len, S2C);
	EXPECT_EQ(0, reply_d(r->chan, s.hdr.msg_id, &got, sizeof(got), &d));
	/* Client: verify the reply in place. */
	ASSERT_EQ(0, fipc_bg_join(&bg));
	ASSERT_EQ((__u32)sizeof(rep), c.rep_len);
	ASSERT_TRUE(desc_is(&c.rep_desc, 0, (__u32)len, S2C));
	EXPECT_EQ(rep.sum, sum_of(AREA(r, cpeer) + c.rep_desc.offset,
				  c.rep_desc.len, rep.seed));
	EXPECT_EQ(len ^ 0x5678, rep.seed);
	TH_LOG("%llu bytes each way in %llu ms", len,
	       (mono_ns() - t0) / FIPC_MS);
}

/* ------------------------------------------------------------------ */
/* Per-user quota (kept last: it changes a module parameter) */

#define QUOTA		(4ULL << 20)
/* Each region charges 2 * (4 KiB + 512 KiB): three fit in QUOTA. */
#define QUOTA_RGN	(1ULL << 20)
#define QUOTA_FIT	3

FIXTURE(quota) {
	unsigned long long saved;
	int ctl, chan;
	char name[FASTIPC_NAME_MAX];
	int conns[QUOTA_FIT + 1];
};

FIXTURE_SETUP(quota)
{
	unsigned int i;

	self->ctl = self->chan = -1;
	for (i = 0; i < ARRAY_SIZE(self->conns); i++)
		self->conns[i] = -1;
	ASSERT_EQ(0, read_param("region_user_max", &self->saved));
	ASSERT_EQ(0, write_param("region_user_max", QUOTA));
	self->ctl = fipc_open();
	ASSERT_LE(0, self->ctl);
	fipc_unique_name(self->name, "quota");
	self->chan = fipc_create(self->ctl, self->name, 0, 0666);
	ASSERT_LE(0, self->chan);
}

FIXTURE_TEARDOWN(quota)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(self->conns); i++)
		closefd(&self->conns[i]);
	closefd(&self->chan);
	closefd(&self->ctl);
	write_param("region_user_max", self->saved);
}

/* Connect QUOTA_FIT regions into @conns; 0, or the failing step. */
static int fill_quota(int ctl, const char *name, int *conns, __u64 *id0)
{
	struct fastipc_connect c;
	int i;

	for (i = 0; i < QUOTA_FIT; i++) {
		conns[i] = connect_rgn(ctl, name, QUOTA_RGN, &c);
		if (conns[i] < 0)
			return i + 1;
		if (!i && id0)
			*id0 = c.conn_id;
	}
	return 0;
}

TEST_F(quota, exhaust_and_free)
{
	struct fastipc_connect c;
	__u64 id0;
	int rfd;

	ASSERT_EQ(0, fill_quota(self->ctl, self->name, self->conns, &id0));
	EXPECT_EQ(-EDQUOT, connect_rgn(self->ctl, self->name, QUOTA_RGN, &c));
	/* What is left still fits a smaller region; regionless is free. */
	self->conns[QUOTA_FIT] = connect_rgn(self->ctl, self->name, 8192, &c);
	EXPECT_LE(0, self->conns[QUOTA_FIT]);
	closefd(&self->conns[QUOTA_FIT]);
	self->conns[QUOTA_FIT] = connect_rgn(self->ctl, self->name, 0, &c);
	EXPECT_LE(0, self->conns[QUOTA_FIT]);
	closefd(&self->conns[QUOTA_FIT]);
	/* A region fd keeps the region, and its charge, alive. */
	rfd = conn_region(self->chan, id0, NULL);
	ASSERT_LE(0, rfd);
	closefd(&self->conns[0]);
	EXPECT_EQ(-EDQUOT, connect_rgn(self->ctl, self->name, QUOTA_RGN, &c));
	close(rfd);
	self->conns[0] = connect_rgn(self->ctl, self->name, QUOTA_RGN, &c);
	EXPECT_LE(0, self->conns[0]);
	EXPECT_EQ(-EDQUOT, connect_rgn(self->ctl, self->name, QUOTA_RGN, &c));
}

/*
 * The quota follows the memory: a region lives until its last fd *and*
 * its last mapping go, so a mapping left behind keeps it charged.
 */
TEST_F(quota, held_by_mapping)
{
	struct fastipc_connect c;
	unsigned char *maps[QUOTA_FIT];
	size_t half = 0;
	int i, ret;

	for (i = 0; i < QUOTA_FIT; i++) {
		self->conns[i] = connect_rgn(self->ctl, self->name, QUOTA_RGN,
					     &c);
		ASSERT_LE(0, self->conns[i]);
		maps[i] = map(self->conns[i], 0, c.layout.half_size,
			      PROT_READ | PROT_WRITE);
		ASSERT_NE(NULL, maps[i]);
		half = c.layout.half_size;
		memset(maps[i] + PG, 0xab, c.layout.area_size);
		closefd(&self->conns[i]);
	}
	/* Three regions' memory is still mapped: the quota is spent. */
	ret = connect_rgn(self->ctl, self->name, QUOTA_RGN, &c);
	EXPECT_EQ(-EDQUOT, ret)
		TH_LOG("connect with %d mapped, closed regions: %d", QUOTA_FIT,
		       ret);
	if (ret >= 0)
		close(ret);
	for (i = 0; i < QUOTA_FIT; i++)
		ASSERT_EQ(0, munmap(maps[i], half));
	/* Unmapped: the charge is gone. */
	self->conns[0] = connect_rgn(self->ctl, self->name, QUOTA_RGN, &c);
	EXPECT_LE(0, self->conns[0]);
}

struct quota_child {
	const char *name;
};

/* As uid 1000: a quota of its own, exhausted and freed the same way. */
static int quota_user_child(void *arg)
{
	const char *name = ((struct quota_child *)arg)->name;
	struct fastipc_connect c;
	int ctl, conns[QUOTA_FIT];

	CHILD_CHECK(fipc_become(1000, 1000, NULL, 0, -1) == 0);
	ctl = fipc_open();
	CHILD_CHECK(ctl >= 0);
	CHILD_CHECK(fill_quota(ctl, name, conns, NULL) == 0);
	CHILD_CHECK(connect_rgn(ctl, name, QUOTA_RGN, &c) == -EDQUOT);
	close(conns[1]);
	conns[1] = connect_rgn(ctl, name, QUOTA_RGN, &c);
	CHILD_CHECK(conns[1] >= 0);
	CHILD_CHECK(connect_rgn(ctl, name, QUOTA_RGN, &c) == -EDQUOT);
	return 0;
}

TEST_F(quota, per_uid)
{
	struct quota_child qc = { self->name };
	struct fastipc_connect c;

	/* Root's quota is full; uid 1000 still has all of its own. */
	ASSERT_EQ(0, fill_quota(self->ctl, self->name, self->conns, NULL));
	EXPECT_EQ(-EDQUOT, connect_rgn(self->ctl, self->name, QUOTA_RGN, &c));
	EXPECT_EQ(0, fipc_wait(fipc_fork(quota_user_child, &qc)));
	/* The child's regions died with it; root's are unchanged. */
	EXPECT_EQ(-EDQUOT, connect_rgn(self->ctl, self->name, QUOTA_RGN, &c));
	EXPECT_EQ(0, fipc_wait(fipc_fork(quota_user_child, &qc)));
	closefd(&self->conns[2]);
	self->conns[2] = connect_rgn(self->ctl, self->name, QUOTA_RGN, &c);
	EXPECT_LE(0, self->conns[2]);
}

TEST_HARNESS_MAIN
