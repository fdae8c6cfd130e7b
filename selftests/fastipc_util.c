// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the fastipc kselftests.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <linux/capability.h>

#include "fastipc_util.h"

#define PARAM_DIR	"/sys/module/fastipc/parameters/"

int fipc_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret = ioctl(fd, cmd, arg);

	return ret < 0 ? -errno : ret;
}

int fipc_api(int ctl, struct fastipc_api *api)
{
	memset(api, 0, sizeof(*api));
	api->api = FASTIPC_API_VERSION;
	return fipc_ioctl(ctl, FASTIPC_IOC_API, api);
}

int fipc_open(void)
{
	struct fastipc_api api;
	int fd, ret;

	fd = open(FIPC_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = fipc_api(fd, &api);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	return fd;
}

void fipc_unique_name(char *name, const char *tag)
{
	static unsigned int counter;

	snprintf(name, FASTIPC_NAME_MAX, "kst-%s-%d-%u", tag, (int)getpid(),
		 counter++);
}

__u64 fipc_unique_key(void)
{
	static unsigned int counter;

	return (0xfa57ULL << 48) | ((__u64)getpid() << 20) | ++counter;
}

void fipc_ref_name(struct fastipc_chan_ref *ref, const char *name)
{
	memset(ref, 0, sizeof(*ref));
	strncpy(ref->name, name, FASTIPC_NAME_MAX - 1);
}

void fipc_ref_key(struct fastipc_chan_ref *ref, __u64 key)
{
	memset(ref, 0, sizeof(*ref));
	ref->key = key;
}

int fipc_create(int ctl, const char *name, __u64 key, __u32 mode)
{
	struct fastipc_chan_create c;

	memset(&c, 0, sizeof(c));
	fipc_ref_name(&c.ref, name);
	c.ref.key = key;
	c.mode = mode;
	return fipc_ioctl(ctl, FASTIPC_IOC_CHAN_CREATE, &c);
}

int fipc_create_lim(int ctl, const char *name, __u32 msg_max,
		    __u32 queue_msgs, __u32 queue_bytes)
{
	struct fastipc_chan_create c;

	memset(&c, 0, sizeof(c));
	fipc_ref_name(&c.ref, name);
	c.mode = 0600;
	c.msg_max = msg_max;
	c.queue_msgs = queue_msgs;
	c.queue_bytes = queue_bytes;
	return fipc_ioctl(ctl, FASTIPC_IOC_CHAN_CREATE, &c);
}

static int connect_ref(int ctl, struct fastipc_connect *c, __u64 *conn_id)
{
	int ret = fipc_ioctl(ctl, FASTIPC_IOC_CONNECT, c);

	if (ret >= 0 && conn_id)
		*conn_id = c->conn_id;
	return ret;
}

int fipc_connect(int ctl, const char *name, __u64 *conn_id)
{
	struct fastipc_connect c;

	memset(&c, 0, sizeof(c));
	fipc_ref_name(&c.ref, name);
	return connect_ref(ctl, &c, conn_id);
}

int fipc_connect_key(int ctl, __u64 key, __u64 *conn_id)
{
	struct fastipc_connect c;

	memset(&c, 0, sizeof(c));
	fipc_ref_key(&c.ref, key);
	return connect_ref(ctl, &c, conn_id);
}

int fipc_stat(int ctl, const char *name, struct fastipc_chan_stat *st)
{
	memset(st, 0, sizeof(*st));
	fipc_ref_name(&st->ref, name);
	return fipc_ioctl(ctl, FASTIPC_IOC_CHAN_STAT, st);
}

int fipc_set(int ctl, const char *name, __u32 flags, __u32 uid, __u32 gid,
	     __u32 mode)
{
	struct fastipc_chan_set s;

	memset(&s, 0, sizeof(s));
	fipc_ref_name(&s.ref, name);
	s.flags = flags;
	s.uid = uid;
	s.gid = gid;
	s.mode = mode;
	return fipc_ioctl(ctl, FASTIPC_IOC_CHAN_SET, &s);
}

int fipc_rmid(int ctl, const char *name)
{
	struct fastipc_chan_rmid r;

	memset(&r, 0, sizeof(r));
	fipc_ref_name(&r.ref, name);
	return fipc_ioctl(ctl, FASTIPC_IOC_CHAN_RMID, &r);
}

/*
 * The usual test setup: fd[0] a control fd, fd[1] a new channel named
 * from @tag (written to @name) with the given limits, fd[2] a connection
 * to it whose CONNECT message has been received. 0 or -errno.
 */
int fipc_setup(int fd[3], __u64 *conn_id, char *name, const char *tag,
	       __u32 msg_max, __u32 queue_msgs, __u32 queue_bytes)
{
	struct fastipc_msg_hdr h;
	__u64 id;
	int ret;

	fd[0] = fd[1] = fd[2] = -1;
	fd[0] = fipc_open();
	if (fd[0] < 0)
		return fd[0];
	fipc_unique_name(name, tag);
	fd[1] = fipc_create_lim(fd[0], name, msg_max, queue_msgs, queue_bytes);
	if (fd[1] < 0)
		return fd[1];
	fd[2] = fipc_connect(fd[0], name, &id);
	if (fd[2] < 0)
		return fd[2];
	if (conn_id)
		*conn_id = id;
	ret = fipc_recv_type(fd[1], FASTIPC_MSG_CONNECT, NULL, 0, &h);
	if (ret < 0)
		return ret;
	return h.conn_id == id ? 0 : -EPROTO;
}

int fipc_call(int conn, __u32 op, const void *req, __u32 req_len,
	      void *rep, __u32 rep_cap, struct fastipc_call *out)
{
	struct fastipc_call c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.req_ptr = (uintptr_t)req;
	c.req_len = req_len;
	c.op = op;
	c.rep_ptr = (uintptr_t)rep;
	c.rep_cap = rep_cap;
	c.flags = FASTIPC_F_TIMEOUT;
	c.timeout_ns = FIPC_WAIT_NS;
	ret = fipc_ioctl(conn, FASTIPC_IOC_CALL, &c);
	if (out)
		*out = c;
	return ret;
}

int fipc_call_timeout(int conn, __u32 op, const void *req, __u32 req_len,
		      __u64 timeout_ns, struct fastipc_call *out)
{
	struct fastipc_call c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.req_ptr = (uintptr_t)req;
	c.req_len = req_len;
	c.op = op;
	c.flags = FASTIPC_F_TIMEOUT;
	c.timeout_ns = timeout_ns;
	ret = fipc_ioctl(conn, FASTIPC_IOC_CALL, &c);
	if (out)
		*out = c;
	return ret;
}

int fipc_send(int conn, __u32 op, const void *buf, __u32 len, __u32 flags)
{
	struct fastipc_call c;

	memset(&c, 0, sizeof(c));
	c.req_ptr = (uintptr_t)buf;
	c.req_len = len;
	c.op = op;
	c.flags = flags;
	return fipc_ioctl(conn, FASTIPC_IOC_SEND, &c);
}

int fipc_recv(int chan, void *buf, __u32 cap, __u32 flags, __u64 timeout_ns,
	      struct fastipc_serve *out)
{
	struct fastipc_serve s;
	int ret;

	memset(&s, 0, sizeof(s));
	s.buf_ptr = (uintptr_t)buf;
	s.buf_cap = cap;
	s.flags = flags;
	s.timeout_ns = timeout_ns;
	ret = fipc_ioctl(chan, FASTIPC_IOC_RECV, &s);
	if (out)
		*out = s;
	/* The ABI leaves RECV's return value open: report the length. */
	return ret < 0 ? ret : (int)s.hdr.len;
}

int fipc_recv_wait(int chan, void *buf, __u32 cap, struct fastipc_msg_hdr *hdr)
{
	struct fastipc_serve s;
	int ret;

	ret = fipc_recv(chan, buf, cap, FASTIPC_F_TIMEOUT, FIPC_WAIT_NS, &s);
	if (hdr)
		*hdr = s.hdr;
	return ret;
}

static int is_ctl_type(__u32 type)
{
	return type == FASTIPC_MSG_CONNECT || type == FASTIPC_MSG_DISCONNECT;
}

/*
 * Receive the next message of @type, skipping CONNECT/DISCONNECT messages
 * when a data message is wanted. Any other type is -EPROTO.
 */
int fipc_recv_type(int chan, __u32 type, void *buf, __u32 cap,
		   struct fastipc_msg_hdr *hdr)
{
	struct fastipc_msg_hdr h;
	int ret;

	for (;;) {
		ret = fipc_recv_wait(chan, buf, cap, &h);
		if (hdr)
			*hdr = h;
		if (ret < 0)
			return ret;
		if (h.type == type)
			return ret;
		if (is_ctl_type(type) || !is_ctl_type(h.type))
			return -EPROTO;
	}
}

int fipc_reply(int chan, __u64 id, const void *buf, __u32 len, __s32 status,
	       __u32 *out_flags)
{
	struct fastipc_serve s;
	int ret;

	memset(&s, 0, sizeof(s));
	s.reply_id = id;
	s.reply_ptr = (uintptr_t)buf;
	s.reply_len = len;
	s.reply_status = status;
	ret = fipc_ioctl(chan, FASTIPC_IOC_REPLY, &s);
	if (out_flags)
		*out_flags = s.out_flags;
	return ret;
}

void fipc_call_init(struct fastipc_call *c, __u32 op, const void *req,
		    __u32 req_len, void *rep, __u32 rep_cap)
{
	memset(c, 0, sizeof(*c));
	c->req_ptr = (uintptr_t)req;
	c->req_len = req_len;
	c->op = op;
	c->rep_ptr = (uintptr_t)rep;
	c->rep_cap = rep_cap;
	c->flags = FASTIPC_F_TIMEOUT;
	c->timeout_ns = FIPC_WAIT_NS;
}

static void *bg_fn(void *arg)
{
	struct fipc_bg *b = arg;

	b->tid = fipc_gettid();
	b->ret = fipc_ioctl(b->fd, b->cmd, b->arg);
	return NULL;
}

/* Start @cmd on @fd in a new thread; returns once the thread runs. */
int fipc_bg_start(struct fipc_bg *b, int fd, unsigned long cmd, void *arg)
{
	struct timespec ts = { 0, FIPC_MS };
	int ret;

	b->fd = fd;
	b->cmd = cmd;
	b->arg = arg;
	b->ret = -EINPROGRESS;
	b->tid = 0;
	ret = pthread_create(&b->th, NULL, bg_fn, b);
	if (ret)
		return -ret;
	while (!b->tid)
		nanosleep(&ts, NULL);
	return 0;
}

/* Wait until the background ioctl sleeps in the kernel. */
int fipc_bg_blocked(struct fipc_bg *b)
{
	return fipc_wait_blocked(getpid(), b->tid);
}

int fipc_bg_join(struct fipc_bg *b)
{
	pthread_join(b->th, NULL);
	return b->ret;
}

static unsigned char pattern(size_t i, __u32 seed)
{
	return (unsigned char)(seed * 131 + i * 7 + (i >> 8) * 13 + 1);
}

void fipc_fill(void *buf, size_t len, __u32 seed)
{
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = pattern(i, seed);
}

/* Index of the first byte that differs from the pattern, or -1. */
ssize_t fipc_mismatch(const void *buf, size_t len, __u32 seed)
{
	const unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != pattern(i, seed))
			return (ssize_t)i;
	return -1;
}

pid_t fipc_fork(int (*fn)(void *arg), void *arg)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0)
		_exit(fn(arg));
	return pid;
}

/* Exit status of @pid, 128 + signal if it was killed, -errno on error. */
int fipc_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

pid_t fipc_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* Run the calling thread on @cpu only; 0 or -errno. */
int fipc_pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

/* Is thread @tid of @pid asleep inside system call @nr? */
static int in_syscall_sleep(pid_t pid, pid_t tid, long nr)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	if (fipc_file_read(path, buf, sizeof(buf)))
		return -ESRCH;
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || p[2] != 'S')
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", pid, tid);
	if (fipc_file_read(path, buf, sizeof(buf)))
		return -ESRCH;
	return atol(buf) == nr;
}

/* Wait until thread @tid of @pid sleeps in system call @nr: 0, or -errno. */
int fipc_wait_blocked_in(pid_t pid, pid_t tid, long nr)
{
	struct timespec ts = { 0, 2 * FIPC_MS };
	int i, ret;

	for (i = 0; i < 5000; i++) {
		ret = in_syscall_sleep(pid, tid, nr);
		if (ret < 0)
			return ret;
		if (ret) {
			/* Let the sleep settle (the state may flicker). */
			nanosleep(&ts, NULL);
			if (in_syscall_sleep(pid, tid, nr) == 1)
				return 0;
		}
		nanosleep(&ts, NULL);
	}
	return -ETIMEDOUT;
}

/* Wait until thread @tid of @pid sleeps in ioctl(2): 0, or -errno. */
int fipc_wait_blocked(pid_t pid, pid_t tid)
{
	return fipc_wait_blocked_in(pid, tid, SYS_ioctl);
}

static int capset_only(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (cap >= 0) {
		data[cap / 32].effective = 1U << (cap % 32);
		data[cap / 32].permitted = 1U << (cap % 32);
	}
	return syscall(SYS_capset, &hdr, data) ? -errno : 0;
}

/*
 * Switch to @uid/@gid with supplementary @groups. With @keep_cap >= 0,
 * keep exactly that capability (effective and permitted); otherwise the
 * switch away from uid 0 drops every capability.
 */
int fipc_become(uid_t uid, gid_t gid, const gid_t *groups, int ngroups,
		int keep_cap)
{
	if (keep_cap >= 0 && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		return -errno;
	if (setgroups(ngroups, groups))
		return -errno;
	if (setresgid(gid, gid, gid))
		return -errno;
	if (setresuid(uid, uid, uid))
		return -errno;
	if (keep_cap >= 0)
		return capset_only(keep_cap);
	return 0;
}

/* Number of open file descriptors of this process. */
int fipc_fds_open(void)
{
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir("/proc/self/fd");
	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own fd */
}

/*
 * The whole program is skipped (kselftest exit code 4) when the device is
 * absent, before the harness runs any test.
 */
static void __attribute__((constructor)) fipc_require_device(void)
{
	if (!access(FIPC_DEV, F_OK))
		return;
	printf("TAP version 13\n1..0 # SKIP %s missing (fastipc.ko not loaded)\n",
	       FIPC_DEV);
	exit(4);
}

void fipc_trio_close(int fd[3])
{
	int i;

	for (i = 2; i >= 0; i--)
		if (fd[i] >= 0)
			close(fd[i]);
}

int read_param(const char *name, unsigned long long *val)
{
	char path[128], buf[32];
	int ret;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	ret = fipc_file_read(path, buf, sizeof(buf));
	if (!ret)
		*val = strtoull(buf, NULL, 0);
	return ret;
}

int write_param(const char *name, unsigned long long val)
{
	char path[128], buf[32];

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	snprintf(buf, sizeof(buf), "%llu\n", val);
	return fipc_file_write(path, buf);
}

/*
 * The harness gives each test its timeout (30 s, or TEST_F_TIMEOUT's) by
 * alarm() in the parent while it waits for the test's child. This
 * definition takes the place of libc's in every test program, and
 * stretches those seconds by FASTIPC_TIMEOUT_SCALE, which
 * run_kselftests.sh sets from the guest's measured slowdown: a slow or
 * loaded machine gets proportionally longer, not a random failure.
 */
unsigned int alarm(unsigned int seconds)
{
	const char *env = getenv("FASTIPC_TIMEOUT_SCALE");
	struct itimerval it = { { 0, 0 }, { 0, 0 } }, old;
	unsigned long scale = env ? strtoul(env, NULL, 10) : 1;

	if (scale < 1 || scale > 100)
		scale = 1;
	it.it_value.tv_sec = (time_t)seconds * (time_t)scale;
	if (setitimer(ITIMER_REAL, &it, &old))
		return 0;
	return (unsigned int)old.it_value.tv_sec +
	       (old.it_value.tv_usec > 0);
}
