/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the fastipc kselftests: device handshake, unique
 * channel names, raw ioctl wrappers that return -errno, and process and
 * thread helpers. Every wrapper returns the ioctl's result (>= 0) or -errno.
 */
#ifndef FASTIPC_UTIL_H
#define FASTIPC_UTIL_H

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <unistd.h>

#include <linux/fastipc.h>

#include "file_util.h"

#define FIPC_DEV		"/dev/fastipc"
#define FIPC_SEC		1000000000ULL
#define FIPC_MS			1000000ULL
/* Waits in helpers are bounded so that a broken kernel fails, not hangs. */
#define FIPC_WAIT_NS		(10 * FIPC_SEC)

/* Skip the current test (kselftest_harness SKIP()) when the device is absent. */
#define FIPC_REQUIRE_DEV() do {						\
	if (access(FIPC_DEV, F_OK))					\
		SKIP(return, "%s missing (module not loaded)", FIPC_DEV); \
} while (0)

/* For forked children: report and exit instead of ASSERT (no longjmp). */
#define CHILD_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "# child %d: %s:%d: check failed: %s (errno %d)\n", \
			getpid(), __FILE__, __LINE__, #cond, errno);	\
		_exit(100);						\
	}								\
} while (0)

/* Control fd and handshake. */
int fipc_open(void);
int fipc_api(int ctl, struct fastipc_api *api);
int fipc_ioctl(int fd, unsigned long cmd, void *arg);

/* Names and keys unique per test run. */
void fipc_unique_name(char *name, const char *tag);
__u64 fipc_unique_key(void);
void fipc_ref_name(struct fastipc_chan_ref *ref, const char *name);
void fipc_ref_key(struct fastipc_chan_ref *ref, __u64 key);

/*
 * The members of a fixture with a control fd, a channel and a connection,
 * as fipc_setup() fills them; fipc_trio_close() is its teardown.
 */
#define FIPC_TRIO						\
	union {							\
		int fd[3];					\
		struct {					\
			int ctl, chan, conn;			\
		};						\
	};							\
	__u64 conn_id;						\
	char name[FASTIPC_NAME_MAX]

/* Close the fds of a FIPC_TRIO fixture; a channel fd below 0 is skipped. */
void fipc_trio_close(int fd[3]);

/* Control-fd operations. */
int fipc_create(int ctl, const char *name, __u64 key, __u32 mode);
int fipc_create_lim(int ctl, const char *name, __u32 msg_max,
		    __u32 queue_msgs, __u32 queue_bytes);
int fipc_connect(int ctl, const char *name, __u64 *conn_id);
int fipc_connect_key(int ctl, __u64 key, __u64 *conn_id);
int fipc_stat(int ctl, const char *name, struct fastipc_chan_stat *st);
int fipc_set(int ctl, const char *name, __u32 flags, __u32 uid, __u32 gid,
	     __u32 mode);
int fipc_rmid(int ctl, const char *name);

int fipc_setup(int fd[3], __u64 *conn_id, char *name, const char *tag,
	       __u32 msg_max, __u32 queue_msgs, __u32 queue_bytes);

/* Connection-fd operations. */
int fipc_call(int conn, __u32 op, const void *req, __u32 req_len,
	      void *rep, __u32 rep_cap, struct fastipc_call *out);
int fipc_call_timeout(int conn, __u32 op, const void *req, __u32 req_len,
		      __u64 timeout_ns, struct fastipc_call *out);
int fipc_send(int conn, __u32 op, const void *buf, __u32 len, __u32 flags);

/* Channel-fd operations. The receive helpers return the payload length. */
int fipc_recv(int chan, void *buf, __u32 cap, __u32 flags, __u64 timeout_ns,
	      struct fastipc_serve *out);
int fipc_recv_wait(int chan, void *buf, __u32 cap, struct fastipc_msg_hdr *hdr);
int fipc_recv_type(int chan, __u32 type, void *buf, __u32 cap,
		   struct fastipc_msg_hdr *hdr);
int fipc_reply(int chan, __u64 id, const void *buf, __u32 len, __s32 status,
	       __u32 *out_flags);

/* A CALL struct with a FIPC_WAIT_NS timeout. */
void fipc_call_init(struct fastipc_call *c, __u32 op, const void *req,
		    __u32 req_len, void *rep, __u32 rep_cap);

/* One ioctl run by a background thread (for calls that block). */
struct fipc_bg {
	int fd;
	unsigned long cmd;
	void *arg;
	int ret;
	volatile pid_t tid;
	pthread_t th;
};

int fipc_bg_start(struct fipc_bg *b, int fd, unsigned long cmd, void *arg);
int fipc_bg_blocked(struct fipc_bg *b);
int fipc_bg_join(struct fipc_bg *b);

/* Payload patterns. */
void fipc_fill(void *buf, size_t len, __u32 seed);
ssize_t fipc_mismatch(const void *buf, size_t len, __u32 seed);

/* Processes and threads. */
pid_t fipc_fork(int (*fn)(void *arg), void *arg);
int fipc_wait(pid_t pid);
pid_t fipc_gettid(void);
int fipc_pin_cpu(int cpu);
int fipc_wait_blocked(pid_t pid, pid_t tid);
int fipc_wait_blocked_in(pid_t pid, pid_t tid, long nr);
int fipc_become(uid_t uid, gid_t gid, const gid_t *groups, int ngroups,
		int keep_cap);
int fipc_fds_open(void);

/* Module parameters: /sys/module/fastipc/parameters/@name. */
int read_param(const char *name, unsigned long long *val);
int write_param(const char *name, unsigned long long val);

#endif /* FASTIPC_UTIL_H */
