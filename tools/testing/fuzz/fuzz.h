/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fastipc-fuzz: shared declarations.
 *
 * One supervisor process forks N workers; each worker runs M fuzzing
 * threads plus its own watchdog (the worker's main thread). Counters live
 * in a MAP_SHARED page set up before the first fork and are only touched
 * with atomics, so a worker killed at any point leaves them consistent.
 */
#ifndef FASTIPC_FUZZ_H
#define FASTIPC_FUZZ_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/fastipc.h>

#define FZ_MAX_PROCS	64
#define FZ_MAX_THREADS	32
#define FZ_NERR		136
#define FZ_SLOTS	48
#define FZ_MAPS		24
#define FZ_RECENT	32
#define FZ_POOL		64
#define FZ_CHILDREN	16
/* Lowest fd number kept for the harness's own files (inject.c). */
#define FZ_PRIVATE_FD	900

/* Payload buffer size; reply/receive buffer size. */
#define FZ_PAYLOAD	(128 << 10)
/* Argument buffer: the largest size an ioctl number can encode, and more. */
#define FZ_ARGBUF	(20 << 10)

/* Exit status of a worker that left on purpose (OP_EXIT). */
#define FZ_EXIT_OP	42

enum fz_kind { FZ_ANY, FZ_CTL, FZ_CHAN, FZ_CONN, FZ_REGION, FZ_EPOLL, FZ_NKIND };

enum fz_op {
	OP_OPEN, OP_API, OP_CREATE, OP_CONNECT, OP_STAT, OP_SET, OP_RMID,
	OP_RECV, OP_REPLY, OP_REPLY_RECV, OP_SERVE, OP_CONN_REGION,
	OP_CHAN_INFO, OP_CHAN_SHUTDOWN,
	OP_CALL, OP_SEND, OP_NOTIFY, OP_WAIT, OP_REAP, OP_CANCEL, OP_RAW_IOCTL,
	OP_MMAP, OP_MUNMAP, OP_MPROTECT, OP_MADVISE, OP_SCRIBBLE,
	OP_POLL, OP_EPOLL, OP_CLOSE, OP_DUP, OP_FORK, OP_SIGNAL, OP_KILL,
	OP_EXIT, NR_OPS
};

struct fz_shared {
	uint64_t seed;
	uint64_t max_ops;
	uint64_t deadline_ns;		/* CLOCK_MONOTONIC */
	int nprocs;
	int nthreads;
	int verbose;
	int stop;
	uint64_t ops_done;
	pid_t pids[FZ_MAX_PROCS];
	int kill_req[FZ_MAX_PROCS];
	/* Values seen by any worker, used by the others as foreign ids. */
	int fd_pool[FZ_POOL];
	uint64_t conn_pool[FZ_POOL];
	uint64_t msg_pool[FZ_POOL];
	/* Statistics. */
	uint64_t op_count[NR_OPS];
	uint64_t op_ok[NR_OPS];
	uint64_t op_err[NR_OPS][FZ_NERR];
	uint64_t kicks;			/* watchdog SIGUSR1 to a slow op */
	uint64_t fork_kills;		/* fork children we had to kill */
	uint64_t received;		/* messages received */
	uint64_t replied;		/* replies delivered */
	uint64_t scribbles;
	uint64_t failures;		/* the fuzzer's own failures */
	uint32_t drop_uid;		/* -u: odd workers run as this uid */
	uint32_t fault_every;		/* -f: arm fail-nth before 1 op in N */
	uint64_t faults_armed;		/* operations run with fail-nth armed */
	uint64_t faults_hit;		/* ... whose armed fault site was reached */
	uint64_t frames_lost;		/* signal frames lost to those faults */
	char fail_msg[512];
};

struct fz_slot {
	int fd;
	int kind;
	uint64_t conn_id;
	bool has_layout;
	struct fastipc_region_layout layout;
};

struct fz_map {
	char *addr;
	size_t len;
	int prot;
	bool whole;		/* not partly unmapped: safe to touch */
	struct fastipc_region_layout layout;
};

struct fz_recent {
	int chan_fd;
	uint64_t msg_id;
	uint64_t conn_id;
	uint32_t type;
	uint32_t reply_max;
};

struct fz_thr;

struct fz_proc {
	struct fz_shared *sh;
	int idx;
	int gen;
	int nthreads;
	bool in_child;		/* a forked child of the worker */
	pthread_mutex_t lock;	/* slots, recent, stale, children */
	struct fz_slot slots[FZ_SLOTS];
	int stale[16];
	struct fz_recent recent[FZ_RECENT];
	pid_t children[FZ_CHILDREN];
	pthread_rwlock_t maplock;
	struct fz_map maps[FZ_MAPS];
	/* Bad pointers: a PROT_NONE page, a read-only page, the end of a
	 * read-write page followed by a PROT_NONE page. */
	char *none_page;
	char *ro_page;
	char *rw_page;
	struct fz_thr *thr[FZ_MAX_THREADS];
};

struct fz_thr {
	struct fz_proc *p;
	int idx;
	pid_t tid;
	uint64_t rng;
	bool server;		/* biased to receive and reply */
	/* Watchdog view: op in progress and since when (0: idle). */
	volatile uint64_t op_start;
	volatile int op_cur;
	volatile uint64_t kicked_at;
	char *argbuf;		/* FZ_ARGBUF bytes */
	char *payload;		/* FZ_PAYLOAD bytes of random content */
	char *rbuf;		/* FZ_PAYLOAD bytes for replies and receives */
	int failnth_fd;		/* this thread's fail-nth, or -1 */
};

/* inject.c: fail-nth and unprivileged workers */
void fz_inject_open(struct fz_thr *t);
bool fz_inject_arm(struct fz_thr *t, int op);
void fz_inject_disarm(struct fz_thr *t);
bool fz_inject_armed(void);
int fz_drop_privs(struct fz_shared *sh, int idx);

/* args.c: random values */
uint64_t fz_rand(struct fz_thr *t);
uint64_t fz_below(struct fz_thr *t, uint64_t n);
bool fz_chance(struct fz_thr *t, unsigned int percent);
uint64_t fz_size(struct fz_thr *t, uint64_t k);
uint32_t fz_flags(struct fz_thr *t, uint32_t valid);
uint32_t fz_mode(struct fz_thr *t);
uint64_t fz_key(struct fz_thr *t);
void fz_name(struct fz_thr *t, char name[FASTIPC_NAME_MAX]);
void fz_ref(struct fz_thr *t, struct fastipc_chan_ref *ref, bool create);
uint64_t fz_bad_ptr(struct fz_thr *t);
uint64_t fz_in_ptr(struct fz_thr *t, const void *buf);
uint64_t fz_out_ptr(struct fz_thr *t, void *buf);
uint32_t fz_wait_flags(struct fz_thr *t, __u64 *timeout_ns, bool must_time);
void fz_fill(struct fz_thr *t, void *buf, size_t len);
uint64_t fz_foreign_conn(struct fz_thr *t);
uint64_t fz_foreign_msg(struct fz_thr *t);
void fz_publish(struct fz_thr *t, int fd, uint64_t conn_id, uint64_t msg_id);
void fz_desc(struct fz_thr *t, struct fastipc_desc *d, uint32_t own_area,
	     const struct fastipc_region_layout *lay);
int fz_ioctl(struct fz_thr *t, int fd, unsigned long cmd, void *arg,
	     size_t size, size_t ver0);

/* slots.c: the per-process fd and mapping tables */
void fz_slot_add(struct fz_thr *t, int fd, int kind, uint64_t conn_id,
		 const struct fastipc_region_layout *layout);
int fz_slot_pick(struct fz_thr *t, int kind, struct fz_slot *out);
int fz_slot_take(struct fz_thr *t, struct fz_slot *out);
void fz_stale_add(struct fz_proc *p, int fd);
void fz_slot_dead(struct fz_thr *t, int fd, int ret);
void fz_recent_add(struct fz_thr *t, int chan_fd,
		   const struct fastipc_msg_hdr *h);
bool fz_recent_pick(struct fz_thr *t, struct fz_recent *out);
void fz_map_add(struct fz_thr *t, void *addr, size_t len, int prot,
		const struct fastipc_region_layout *layout);
void fz_close_all(struct fz_proc *p);
void fz_child_add(struct fz_proc *p, pid_t pid);
void fz_children_reap(struct fz_proc *p, bool kill_all);

/* ops.c, ops_serve.c, ops_mem.c, ops_proc.c: the operations */
typedef int (*fz_op_fn)(struct fz_thr *t);
struct fz_op_desc {
	const char *name;
	fz_op_fn fn;
	unsigned int weight;		/* client threads */
	unsigned int server_weight;	/* server threads */
	bool in_child;			/* allowed in a forked child */
};
extern const struct fz_op_desc fz_ops[NR_OPS];

int op_open(struct fz_thr *t);
int op_api(struct fz_thr *t);
int op_create(struct fz_thr *t);
int op_connect(struct fz_thr *t);
int op_stat(struct fz_thr *t);
int op_set(struct fz_thr *t);
int op_rmid(struct fz_thr *t);
int op_recv(struct fz_thr *t);
int op_reply(struct fz_thr *t);
int op_reply_recv(struct fz_thr *t);
int op_serve(struct fz_thr *t);
int op_conn_region(struct fz_thr *t);
int op_chan_info(struct fz_thr *t);
int op_chan_shutdown(struct fz_thr *t);
int op_call(struct fz_thr *t);
int op_send(struct fz_thr *t);
int op_notify(struct fz_thr *t);
int op_wait(struct fz_thr *t);
int op_reap(struct fz_thr *t);
int op_cancel(struct fz_thr *t);
int op_raw_ioctl(struct fz_thr *t);
int op_mmap(struct fz_thr *t);
int op_munmap(struct fz_thr *t);
int op_mprotect(struct fz_thr *t);
int op_madvise(struct fz_thr *t);
int op_scribble(struct fz_thr *t);
int op_poll(struct fz_thr *t);
int op_epoll(struct fz_thr *t);
int op_close(struct fz_thr *t);
int op_dup(struct fz_thr *t);
int op_fork(struct fz_thr *t);
int op_signal(struct fz_thr *t);
int op_kill(struct fz_thr *t);
int op_exit(struct fz_thr *t);

/* worker.c */
uint64_t fz_now_ns(void);
void fz_run_one(struct fz_thr *t);
int fz_worker(struct fz_shared *sh, int idx, int gen);
void fz_fail(struct fz_shared *sh, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* FASTIPC_FUZZ_H */
