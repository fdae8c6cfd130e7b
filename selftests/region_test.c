// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc shared-memory regions: the layout CONNECT negotiates, what a
 * connection without a region refuses, the mmap rules of both halves
 * (geometry, protections, MAP_PRIVATE, mremap, forced writes), mappings
 * across fork(), and munmap or close while the other side keeps going.
 * Descriptors, the doorbell and shared-memory round trips have their own
 * programs (desc_test, doorbell_test, shm_call_test).
 *
 * Most tests play both sides in one process: the client's mappings come
 * from the connection fd, the server's from the region fd.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"
#include "region_util.h"
#include "region_fixture.h"

/* ------------------------------------------------------------------ */
/* Layout and the connect/CONN_REGION arguments */

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
	FIPC_TRIO;
};

FIXTURE_SETUP(plain)
{
	ASSERT_EQ(0, fipc_setup(self->fd, &self->conn_id, self->name, "plain",
				1000, 0, 0));
}

FIXTURE_TEARDOWN(plain)
{
	fipc_trio_close(self->fd);
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
/* One connection with a region, both sides mapped (region_fixture.h) */

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

/*
 * A second mapping of the same half (checklist case 14) is allowed and
 * shows the same memory; dropping it leaves the first one working.
 */
TEST_F(region, second_map_same_half_shared)
{
	struct rgn *r = &self->r;
	size_t h = r->l.half_size;
	unsigned char *again, *peer;

	again = map(r->conn, r->l.client_off, h, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, again);
	peer = map(r->rfd, r->l.client_off, h, PROT_READ);
	ASSERT_NE(NULL, peer);
	fipc_fill(again + r->l.area_off, 4096, 9);
	EXPECT_EQ(-1, fipc_mismatch(AREA(r, cmine), 4096, 9));
	EXPECT_EQ(-1, fipc_mismatch(AREA(r, speer), 4096, 9));
	EXPECT_EQ(-1, fipc_mismatch(peer + r->l.area_off, 4096, 9));
	unmap(&again, h);
	unmap(&peer, h);
	fipc_fill(AREA(r, cmine), 4096, 10);
	EXPECT_EQ(-1, fipc_mismatch(AREA(r, speer), 4096, 10));
}

TEST_HARNESS_MAIN
