// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc region mappings against the kernel's generic mm paths: every way
 * to create, move or duplicate a mapping must keep the peer's half
 * read-only, keep the mapping out of a fork and keep the region (and its
 * quota charge) held: remap_file_pages(), mprotect(), mremap() (move, grow,
 * duplicate, MREMAP_DONTUNMAP), /proc/self/map_files, /proc/self/mem,
 * process_vm_writev(), madvise(MADV_DOFORK, MADV_REMOVE), userfaultfd and
 * fork(), as root and as uid 1000.
 *
 * Most checks run twice: on the mappings as mmap() made them, and after
 * remap_file_pages() has mapped each of them again in place, which is
 * allowed and must change nothing (it used to turn a mapping into a plain
 * shmem one, free of every fastipc check). The checks return 0 or the
 * line that failed, so that a child running as uid 1000 can use them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"
#include "region_util.h"
#include "region_fixture.h"

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP	4
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY	1
#endif

/* Report a failed check and return its line. */
#define TRY(cond) do {							\
	if (!(cond)) {							\
		fprintf(stderr, "# %s:%d: check failed: %s (errno %d)\n", \
			__FILE__, __LINE__, #cond, errno);		\
		return __LINE__;					\
	}								\
} while (0)

/* Run a check; go on to the next only if it passed. */
#define RUN(call) do {							\
	int line_ = (call);						\
									\
	if (line_)							\
		return line_;						\
} while (0)

/* remap_file_pages() of @len bytes at @p to byte offset @off. */
static int remap(void *p, size_t len, __u64 off)
{
	return remap_file_pages(p, len, 0, off / PG, 0) ? -errno : 0;
}

/* mprotect(PROT_READ | PROT_WRITE): 0 if @p became writable, else -errno. */
static int make_writable(void *p, size_t len)
{
	return mprotect(p, len, PROT_READ | PROT_WRITE) ? -errno : 0;
}

/* Map all four halves again where they are, at their own offsets. */
static int remap_in_place(struct rgn *r)
{
	size_t h = r->l.half_size;

	TRY(remap(r->cmine, h, r->l.client_off) == 0);
	TRY(remap(r->cpeer, h, r->l.server_off) == 0);
	TRY(remap(r->smine, h, r->l.server_off) == 0);
	TRY(remap(r->speer, h, r->l.client_off) == 0);
	return 0;
}

/* Both control pages as the kernel made them, both canaries intact. */
static int halves_intact(struct rgn *r)
{
	TRY(WORD(r, cpeer, producer) == WORD(r, smine, producer));
	TRY(((struct fastipc_region_ctl *)r->smine)->magic ==
	    FASTIPC_REGION_MAGIC);
	TRY(((struct fastipc_region_ctl *)r->cmine)->magic ==
	    FASTIPC_REGION_MAGIC);
	TRY(fipc_mismatch(AREA(r, smine), 4096, 21) == -1);
	TRY(fipc_mismatch(AREA(r, cmine), 4096, 12) == -1);
	return 0;
}

static void fill_canaries(struct rgn *r)
{
	fipc_fill(AREA(r, smine), 4096, 21);
	fipc_fill(AREA(r, cmine), 4096, 12);
}

/* The peer's halves refuse PROT_WRITE, and writes that fault pages in. */
static int peers_read_only(struct rgn *r)
{
	size_t h = r->l.half_size;

	TRY(make_writable(r->cpeer, h) == -EACCES);
	TRY(make_writable(r->speer, h) == -EACCES);
	TRY(make_writable(r->cpeer + PG, PG) == -EACCES);
	TRY(madvise(r->cpeer, h, MADV_POPULATE_WRITE) == -1);
	TRY(madvise(r->speer, h, MADV_POPULATE_WRITE) == -1);
	return 0;
}

/* Client and server: the peer's half, mapped again in place, stays RO. */
static int check_peer_remap(struct rgn *r)
{
	fill_canaries(r);
	RUN(peers_read_only(r));
	RUN(remap_in_place(r));
	RUN(peers_read_only(r));
	RUN(halves_intact(r));
	return 0;
}

/* Map @p again: a failed remap_file_pages() has unmapped it. */
static unsigned char *remap_fresh(unsigned char *p, int fd, __u64 off,
				  size_t len, int prot)
{
	munmap(p, len);
	return map(fd, off, len, prot);
}

/* A side's writable mapping cannot be pointed at the peer's half. */
static int check_own_to_peer(struct rgn *r)
{
	size_t h = r->l.half_size;
	int rw = PROT_READ | PROT_WRITE;

	fill_canaries(r);
	TRY(remap(r->cmine, h, r->l.server_off) == -EACCES);
	r->cmine = remap_fresh(r->cmine, r->conn, r->l.client_off, h, rw);
	TRY(r->cmine);
	TRY(remap(r->smine, h, r->l.client_off) == -EACCES);
	r->smine = remap_fresh(r->smine, r->rfd, r->l.server_off, h, rw);
	TRY(r->smine);
	/* Nor any part of it. */
	TRY(remap(r->cmine, PG, r->l.server_off) == -EINVAL);
	r->cmine = remap_fresh(r->cmine, r->conn, r->l.client_off, h, rw);
	TRY(r->cmine);
	/* Nor a read-only mapping pointed at the own half, made writable. */
	TRY(remap(r->cpeer, h, r->l.client_off) == 0);
	TRY(make_writable(r->cpeer, h) == 0);
	TRY(remap(r->cpeer, h, r->l.server_off) == -EACCES);
	r->cpeer = remap_fresh(r->cpeer, r->conn, r->l.server_off, h,
			       PROT_READ);
	TRY(r->cpeer);
	RUN(halves_intact(r));
	return 0;
}

TEST_F(region, remap_peer_half_stays_read_only)
{
	EXPECT_EQ(0, check_peer_remap(&self->r));
}

TEST_F(region, remap_own_half_to_peer_refused)
{
	EXPECT_EQ(0, check_own_to_peer(&self->r));
}

/* As uid 1000, both sides of its own connection. */
static int remap_user_child(void *arg)
{
	struct rgn r;

	(void)arg;
	CHILD_CHECK(fipc_become(1000, 1000, NULL, 0, -1) == 0);
	CHILD_CHECK(rgn_open(&r, "mmuser", RGN_SIZE) == 0);
	CHILD_CHECK(check_peer_remap(&r) == 0);
	CHILD_CHECK(check_own_to_peer(&r) == 0);
	rgn_close(&r);
	return 0;
}

TEST(remap_as_uid_1000)
{
	FIPC_REQUIRE_DEV();
	EXPECT_EQ(0, fipc_wait(fipc_fork(remap_user_child, NULL)));
}

/* ------------------------------------------------------------------ */
/* mremap() */

static int check_mremap_grow(struct rgn *r)
{
	unsigned char *maps[] = { r->cmine, r->cpeer, r->smine, r->speer };
	size_t h = r->l.half_size;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(maps); i++) {
		TRY(mremap(maps[i], h, h + PG, MREMAP_MAYMOVE) == MAP_FAILED);
		TRY(errno == EFAULT);
		/* old_len 0: a second mapping of the same pages. */
		TRY(mremap(maps[i], 0, h, MREMAP_MAYMOVE) == MAP_FAILED);
		TRY(errno == EFAULT);
		TRY(mremap(maps[i], h, h, MREMAP_MAYMOVE | MREMAP_DONTUNMAP)
		    == MAP_FAILED);
		TRY(errno == EINVAL);
	}
	return 0;
}

TEST_F(region, mremap_grow_dup_dontunmap)
{
	EXPECT_EQ(0, check_mremap_grow(&self->r));
	ASSERT_EQ(0, remap_in_place(&self->r));
	EXPECT_EQ(0, check_mremap_grow(&self->r));
}

/* A moved mapping is the same mapping: same pages, same rights. */
static int check_mremap_move(struct rgn *r)
{
	size_t h = r->l.half_size;
	unsigned char *dst[2];
	unsigned int i;

	for (i = 0; i < 2; i++) {
		dst[i] = mmap(NULL, h, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			      -1, 0);
		TRY(dst[i] != MAP_FAILED);
	}
	r->cpeer = mremap(r->cpeer, h, h, MREMAP_MAYMOVE | MREMAP_FIXED,
			  dst[0]);
	TRY(r->cpeer == dst[0]);
	r->cmine = mremap(r->cmine, h, h, MREMAP_MAYMOVE | MREMAP_FIXED,
			  dst[1]);
	TRY(r->cmine == dst[1]);
	RUN(peers_read_only(r));
	fill_canaries(r);
	TRY(fipc_mismatch(AREA(r, speer), 4096, 12) == -1);
	TRY(memcmp(AREA(r, cpeer), AREA(r, smine), 4096) == 0);
	RUN(halves_intact(r));
	return 0;
}

TEST_F(region, mremap_move)
{
	EXPECT_EQ(0, check_mremap_move(&self->r));
	ASSERT_EQ(0, remap_in_place(&self->r));
	EXPECT_EQ(0, check_mremap_move(&self->r));
	EXPECT_EQ(0, check_mremap_grow(&self->r));
}

/* ------------------------------------------------------------------ */
/* Writes through other processes' eyes: /proc/self/mem, process_vm_writev */

/* Writing @p through /proc/self/mem: 0 or -errno. */
static int mem_write(unsigned char *p, unsigned char b)
{
	int fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = pwrite(fd, &b, 1, (off_t)(uintptr_t)p);
	close(fd);
	return n == 1 ? 0 : -errno;
}

static int vm_write(unsigned char *p, unsigned char b)
{
	struct iovec local = { &b, 1 }, remote = { p, 1 };

	return process_vm_writev(getpid(), &local, 1, &remote, 1, 0) == 1 ?
	       0 : -errno;
}

typedef int (*writer_fn)(unsigned char *p, unsigned char b);

/* @wr cannot write either peer half (-@err); it can write the own ones. */
static int check_remote_write(struct rgn *r, writer_fn wr, int err)
{
	unsigned char *ro[] = { AREA(r, cpeer), AREA(r, speer) };
	unsigned int i;

	fill_canaries(r);
	for (i = 0; i < ARRAY_SIZE(ro); i++) {
		TRY(wr(ro[i], 0xee) == -err);
		TRY(wr(ro[i] - PG, 0xee) == -err);
	}
	RUN(halves_intact(r));
	TRY(wr(AREA(r, cmine) + 8192, 0x77) == 0);
	TRY(AREA(r, speer)[8192] == 0x77);
	TRY(wr(AREA(r, smine) + 8192, 0x78) == 0);
	TRY(AREA(r, cpeer)[8192] == 0x78);
	return 0;
}

/* Again after the remapping game, and an mprotect() that must fail. */
static int check_remote_write_remapped(struct rgn *r, writer_fn wr, int err)
{
	RUN(check_remote_write(r, wr, err));
	RUN(remap_in_place(r));
	make_writable(r->cpeer, r->l.half_size);
	make_writable(r->speer, r->l.half_size);
	RUN(check_remote_write(r, wr, err));
	return 0;
}

TEST_F(region, proc_self_mem_write)
{
	EXPECT_EQ(0, check_remote_write_remapped(&self->r, mem_write, EIO));
}

TEST_F(region, process_vm_writev)
{
	unsigned char b = 0;

	/* A kernel without CONFIG_CROSS_MEMORY_ATTACH (the debug one). */
	if (vm_write(&b, 1) == -ENOSYS)
		SKIP(return, "no process_vm_writev: %s", strerror(ENOSYS));
	EXPECT_EQ(0, check_remote_write_remapped(&self->r, vm_write, EFAULT));
}

/* ------------------------------------------------------------------ */
/* /proc/self/map_files */

/* Reopening the mapping's file for writing must fail. */
static int check_map_files(struct rgn *r)
{
	unsigned char *maps[] = { r->cmine, r->cpeer, r->smine, r->speer };
	size_t h = r->l.half_size;
	char path[64];
	unsigned int i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(maps); i++) {
		snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx",
			 (unsigned long)maps[i], (unsigned long)maps[i] + h);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd >= 0) {
			fprintf(stderr, "# %s reopened read-write\n", path);
			close(fd);
			return __LINE__;
		}
		TRY(errno == ENXIO);
	}
	return 0;
}

TEST_F(region, map_files_reopen)
{
	if (geteuid())
		SKIP(return, "map_files needs CAP_SYS_ADMIN");
	EXPECT_EQ(0, check_map_files(&self->r));
	ASSERT_EQ(0, remap_in_place(&self->r));
	EXPECT_EQ(0, check_map_files(&self->r));
}

/* ------------------------------------------------------------------ */
/* fork(), MADV_DOFORK, MADV_REMOVE, userfaultfd */

#define DIED_OF(st, sig)	(WIFSIGNALED(st) && WTERMSIG(st) == (sig))

static int check_not_inherited(struct rgn *r)
{
	unsigned char *maps[] = { r->cmine, r->cpeer, r->smine, r->speer };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(maps); i++)
		TRY(DIED_OF(touch_child(maps[i] + PG, 0), SIGSEGV));
	return 0;
}

TEST_F(region, fork_not_inherited_after_remap)
{
	EXPECT_EQ(0, check_not_inherited(&self->r));
	ASSERT_EQ(0, remap_in_place(&self->r));
	EXPECT_EQ(0, check_not_inherited(&self->r));
}

/* In a child that inherited the peer's half: remap it, try to write it. */
static int dofork_child(void *arg)
{
	struct rgn *r = arg;
	size_t h = r->l.half_size;

	CHILD_CHECK(remap(r->cpeer, h, r->l.server_off) == 0);
	CHILD_CHECK(make_writable(r->cpeer, h) == -EACCES);
	CHILD_CHECK(remap(r->cmine, h, r->l.server_off) == -EACCES);
	CHILD_CHECK(mem_write(AREA(r, cpeer), 0xee) < 0);
	return 0;
}

/* MADV_DOFORK hands the mapping to a child, read-only peer half and all. */
TEST_F(region, madv_dofork_child_remaps)
{
	struct rgn *r = &self->r;
	size_t h = r->l.half_size;

	fill_canaries(r);
	ASSERT_EQ(0, madvise(r->cmine, h, MADV_DOFORK));
	ASSERT_EQ(0, madvise(r->cpeer, h, MADV_DOFORK));
	EXPECT_TRUE(DIED_OF(touch_child(AREA(r, cpeer), 1), SIGSEGV));
	EXPECT_EQ(0, fipc_wait(fipc_fork(dofork_child, r)));
	EXPECT_EQ(0, halves_intact(r));
	/* And after the parent's own remapping game. */
	ASSERT_EQ(0, remap_in_place(r));
	ASSERT_EQ(0, madvise(r->cmine, h, MADV_DOFORK));
	ASSERT_EQ(0, madvise(r->cpeer, h, MADV_DOFORK));
	EXPECT_EQ(0, fipc_wait(fipc_fork(dofork_child, r)));
	EXPECT_TRUE(DIED_OF(touch_child(AREA(r, cpeer), 1), SIGSEGV));
	EXPECT_EQ(0, halves_intact(r));
}

/*
 * MADV_REMOVE would punch the pages out of the region behind the kernel's
 * back (it keeps the control pages mapped): refused on every half.
 */
static int check_madv_remove(struct rgn *r)
{
	unsigned char *maps[] = { r->cmine, r->cpeer, r->smine, r->speer };
	/* Own halves: no hole punching; peer halves: not writable. */
	static const int err[] = { ENODEV, EACCES, ENODEV, EACCES };
	unsigned int i;

	fill_canaries(r);
	for (i = 0; i < ARRAY_SIZE(maps); i++) {
		TRY(madvise(maps[i], PG, MADV_REMOVE) == -1);
		TRY(errno == err[i]);
		TRY(madvise(maps[i] + PG, PG, MADV_REMOVE) == -1);
		TRY(errno == err[i]);
	}
	RUN(halves_intact(r));
	return 0;
}

TEST_F(region, madv_remove)
{
	struct rgn *r = &self->r;

	EXPECT_EQ(0, check_madv_remove(r));
	ASSERT_EQ(0, remap_in_place(r));
	make_writable(r->cpeer, r->l.half_size);
	EXPECT_EQ(0, check_madv_remove(r));
}

static int open_uffd(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	int fd;

	fd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		fd = syscall(__NR_userfaultfd,
			     O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, UFFDIO_API, &api)) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* No half can be registered, in any mode the kernel knows. */
static int check_uffd(struct rgn *r, int uffd)
{
	static const __u64 modes[] = {
		UFFDIO_REGISTER_MODE_MISSING, UFFDIO_REGISTER_MODE_WP,
#ifdef UFFDIO_REGISTER_MODE_MINOR
		UFFDIO_REGISTER_MODE_MINOR,
#endif
	};
	unsigned char *maps[] = { r->cmine, r->cpeer, r->smine, r->speer };
	struct uffdio_register reg;
	unsigned int i, m;

	for (i = 0; i < ARRAY_SIZE(maps); i++) {
		for (m = 0; m < ARRAY_SIZE(modes); m++) {
			memset(&reg, 0, sizeof(reg));
			reg.range.start = (unsigned long)maps[i];
			reg.range.len = r->l.half_size;
			reg.mode = modes[m];
			TRY(ioctl(uffd, UFFDIO_REGISTER, &reg) == -1);
			TRY(errno == EINVAL);
		}
	}
	return 0;
}

TEST_F(region, userfaultfd_register)
{
	int uffd = open_uffd();

	if (uffd < 0)
		SKIP(return, "no userfaultfd: %s", strerror(-uffd));
	EXPECT_EQ(0, check_uffd(&self->r, uffd));
	ASSERT_EQ(0, remap_in_place(&self->r));
	EXPECT_EQ(0, check_uffd(&self->r, uffd));
	close(uffd);
}

/*
 * Not a hole to close, but what must keep working on the mappings: msync,
 * dropping and paging out pages (their data stays in the region), mincore
 * of mapped pages.
 */
TEST_F(region, generic_paths_still_work)
{
	struct rgn *r = &self->r;
	unsigned char *maps[] = { r->cmine, r->cpeer, r->smine, r->speer };
	size_t h = r->l.half_size;
	unsigned char vec[2];
	unsigned int i;

	fill_canaries(r);
	for (i = 0; i < ARRAY_SIZE(maps); i++) {
		EXPECT_EQ(0, msync(maps[i], h, MS_SYNC)) TH_LOG("map %u", i);
		EXPECT_EQ(0, madvise(maps[i], h, MADV_WILLNEED));
		EXPECT_EQ(0, madvise(maps[i], h, MADV_DONTNEED));
	}
	EXPECT_EQ(0, halves_intact(r));
	for (i = 0; i < ARRAY_SIZE(maps); i++) {
		(void)*(volatile unsigned char *)(maps[i] + PG);
		EXPECT_EQ(0, mincore(maps[i], 2 * PG, vec));
		EXPECT_EQ(1, vec[1] & 1) TH_LOG("map %u: area not resident", i);
	}
	if (madvise(r->cmine, h, MADV_PAGEOUT) == 0)
		EXPECT_EQ(0, halves_intact(r));
	AREA(r, cmine)[100] = 0x42;
	EXPECT_EQ(0x42, AREA(r, speer)[100]);
}

/* ------------------------------------------------------------------ */
/* region_user_max: a mapping holds its region whatever is done to it */

#define QUOTA		(4ULL << 20)
/* Each region charges 2 * (4 KiB + 512 KiB): three fit in QUOTA. */
#define QUOTA_RGN	(1ULL << 20)
#define QUOTA_FIT	3
#define QUOTA_TRY	(2 * QUOTA_FIT)

/*
 * Connect, map both halves, remap them in place, close the fd: each
 * mapping must keep its region charged, so only QUOTA_FIT connect.
 */
static int quota_games(const char *name)
{
	unsigned char *own[QUOTA_TRY], *peer[QUOTA_TRY];
	struct fastipc_connect c;
	int ctl, fd, i, n;
	size_t h = 0;

	ctl = fipc_open();
	TRY(ctl >= 0);
	for (n = 0; n < QUOTA_TRY; n++) {
		fd = connect_rgn(ctl, name, QUOTA_RGN, &c);
		if (fd < 0) {
			TRY(fd == -EDQUOT);
			break;
		}
		h = c.layout.half_size;
		own[n] = map(fd, c.layout.client_off, h,
			     PROT_READ | PROT_WRITE);
		peer[n] = map(fd, c.layout.server_off, h, PROT_READ);
		TRY(own[n] && peer[n]);
		TRY(remap(own[n], h, c.layout.client_off) == 0);
		TRY(remap(peer[n], h, c.layout.server_off) == 0);
		memset(own[n] + PG, 0xab, c.layout.area_size);
		close(fd);
	}
	TRY(n == QUOTA_FIT);
	/* Unmapped: the charges are gone. */
	for (i = 0; i < n; i++) {
		TRY(munmap(own[i], h) == 0);
		TRY(munmap(peer[i], h) == 0);
	}
	fd = connect_rgn(ctl, name, QUOTA_RGN, &c);
	TRY(fd >= 0);
	close(fd);
	close(ctl);
	return 0;
}

FIXTURE(quota) {
	unsigned long long saved;
	int have_saved;
	int ctl, chan;
	char name[FASTIPC_NAME_MAX];
};

FIXTURE_SETUP(quota)
{
	self->ctl = self->chan = -1;
	FIPC_REQUIRE_DEV();
	ASSERT_EQ(0, read_param("region_user_max", &self->saved));
	self->have_saved = 1;
	ASSERT_EQ(0, write_param("region_user_max", QUOTA));
	self->ctl = fipc_open();
	ASSERT_LE(0, self->ctl);
	fipc_unique_name(self->name, "mmquota");
	self->chan = fipc_create(self->ctl, self->name, 0, 0666);
	ASSERT_LE(0, self->chan);
}

FIXTURE_TEARDOWN(quota)
{
	closefd(&self->chan);
	closefd(&self->ctl);
	if (self->have_saved)
		write_param("region_user_max", self->saved);
}

static int quota_user_child(void *arg)
{
	CHILD_CHECK(fipc_become(1000, 1000, NULL, 0, -1) == 0);
	CHILD_CHECK(quota_games(arg) == 0);
	return 0;
}

TEST_F(quota, remap_keeps_charge)
{
	EXPECT_EQ(0, quota_games(self->name));
}

TEST_F(quota, remap_keeps_charge_uid_1000)
{
	EXPECT_EQ(0, fipc_wait(fipc_fork(quota_user_child, self->name)));
}

TEST_HARNESS_MAIN
