/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the fastipc shared-memory region kselftests
 * (region_test, desc_test, doorbell_test, shm_call_test): both sides of
 * one connection with a region and its four mapped halves, mmap wrappers,
 * descriptor CALL/SEND/REPLY helpers, the WAIT/NOTIFY doorbell, poll(),
 * and module parameters. Like fastipc_util.h, the wrappers return the
 * result (>= 0) or -errno.
 */
#ifndef REGION_UTIL_H
#define REGION_UTIL_H

#include <stddef.h>

#include <linux/fastipc.h>

#define PG		4096ULL
/* The fixture region: two 32 KiB areas. */
#define RGN_SIZE	(64ULL << 10)
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

/* CONNECT by name asking for a region of @size; fills @c. */
int connect_rgn(int ctl, const char *name, __u64 size,
		struct fastipc_connect *c);
/* CONN_REGION for connection @id: the region fd; its layout into @l. */
int conn_region(int chan, __u64 id, struct fastipc_region_layout *l);

/* MAP_SHARED mapping, or NULL (errno set). */
unsigned char *map(int fd, __u64 off, size_t len, int prot);
/* 0 if the mapping is accepted (it is undone at once), else -errno. */
int map_err(int fd, __u64 off, size_t len, int prot, int flags);
/* munmap/close if still there, and forget it. */
void unmap(unsigned char **p, size_t len);
void closefd(int *fd);

/* Map all four halves of @r from its connection and region fds. */
int rgn_map(struct rgn *r);
/* A channel, a connection with a region of @size, its region fd, maps. */
int rgn_open(struct rgn *r, const char *tag, __u64 size);
void rgn_close(struct rgn *r);

/* The next data message, skipping CONNECT/DISCONNECT; payload length. */
int recv_msg(int chan, void *buf, __u32 cap, struct fastipc_serve *s);

/* Descriptors. */
void set_desc(struct fastipc_desc *d, __u64 off, __u32 len, __u32 area);
int desc_is(const struct fastipc_desc *d, __u64 off, __u32 len, __u32 area);
/* REPLY to @id with @buf inline and @d (NULL: none). */
int reply_d(int chan, __u64 id, const void *buf, __u32 len,
	    const struct fastipc_desc *d);
/* SEND op 9 with @buf inline and @d. */
int send_d(int conn, const void *buf, __u32 len,
	   const struct fastipc_desc *d);

/* The doorbell and poll(). poll1() returns revents, or -1. */
int do_wait(int fd, __u32 ev, __u32 flags, __u64 tmo);
int notify(int fd);
short poll1(int fd, short events, int tmo_ms);

__u64 mono_ns(void);

/* Wait status of a forked child that reads (or, @write, writes) @p once,
 * with core dumps off; -1 if fork or waitpid failed. */
int touch_child(unsigned char *p, int write);


/* The area size CONNECT should give a region_size of @want. */
__u32 expect_area(__u64 want);

#endif /* REGION_UTIL_H */
