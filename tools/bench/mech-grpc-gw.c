// SPDX-License-Identifier: GPL-2.0
/*
 * fastipc-bench: gRPC through fastipc-grpc-gateway (issue 13), what a
 * gRPC client pays to reach a fastipc-rpc service: mech-grpc.cc's client
 * calls Bench.Sum on the gateway's Unix socket, the gateway
 * (tools/fastipc-grpc-gateway, "export") forwards the packed bytes with
 * fastipc_rpc_call_raw() to mech-fastipc-rpc.c's server on the run's
 * channel, and the reply comes back the same way.
 *
 * The server process runs the fastipc-rpc server (a thread of its own),
 * then spawns
 *	fastipc-grpc-gateway export --listen unix:$TMPDIR/NAME-gw.sock
 *		--channel NAME --max-message BYTES
 * (its stdout and stderr on a pipe; SIGTERM when the server process
 * dies, PR_SET_PDEATHSIG) and waits for its "ready" line before the run
 * starts; the rest of its output is copied to stderr. serve(pair 0)
 * waits for the gateway: its end fails the run. The parent's cleanup()
 * sends it SIGTERM (it has usually got it already) and waits until it is
 * gone, so that no gateway outlives its run.
 *
 * CPU per round trip counts the gateway: its pid is in the shared memory
 * of each pair, and helper_cpu_ns() reads its CPU clock (every thread)
 * at both ends of the measured window, added to the server's. It runs on
 * the server's CPU when the run is pinned (it inherits the affinity).
 *
 * The gateway is $FASTIPC_GRPC_GATEWAY, else
 * ../fastipc-grpc-gateway/fastipc-grpc-gateway beside this program; the
 * mechanism is skipped (absent) without it. Built only with gRPC.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "mech-fastipc.h"
#include "mech-grpc.h"

#ifdef FASTIPC_BENCH_GRPC

#define GW_READY	"fastipc-grpc-gateway: ready"
#define GW_START_MS	60000	/* the gateway's start, generous (TCG) */
#define GW_EXIT_MS	10000	/* its exit after SIGTERM, then SIGKILL */
#define GW_MSG_MIN	(4UL << 20)	/* --max-message at least */
#define GW_MSG_SLACK	65536UL		/* above the request size */
#define GW_LOG_MAX	4096	/* what is kept of its output before ready */

/* Shared memory of each pair: written by the server before it is ready. */
struct gw_shared {
	pid_t pid;			/* the gateway, 0 before it runs */
};

/* The gateway's program: *@buf holds it; NULL if it cannot be named. */
static const char *gw_program(char *buf, size_t cap)
{
	const char *env = getenv("FASTIPC_GRPC_GATEWAY");
	char self[PATH_MAX];
	ssize_t n;
	char *slash;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return NULL;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	if ((size_t)snprintf(buf, cap, "%s/../fastipc-grpc-gateway/"
			     "fastipc-grpc-gateway", self) >= cap)
		return NULL;
	return buf;
}

static void gw_sock_path(const struct mech_ctx *c, char *buf, size_t cap)
{
	const char *dir = getenv("TMPDIR");

	snprintf(buf, cap, "%s/%s-gw.sock", dir && *dir ? dir : "/tmp",
		 c->name);
}

static int gw_usable(const struct mech_ctx *c)
{
	char buf[PATH_MAX];
	const char *gw = gw_program(buf, sizeof(buf));
	int ret = fipc_usable(c, false);

	if (ret)
		return ret;
	return gw && access(gw, X_OK) == 0 ? 0 : MECH_SKIP_ABSENT;
}

static size_t gw_shared_size(size_t size)
{
	(void)size;
	return sizeof(struct gw_shared);
}

/* ---- server process ----------------------------------------------------- */

/* The fastipc-rpc server's thread: it returns only on an error. */
static void *gw_rpc_thread(void *arg)
{
	int ret = fipc_rpc_serve(arg, 0);

	bench_err(ret < 0 ? ret : -EPROTO, "grpc-gw: the fastipc-rpc server "
		  "ended");
	_exit(1);
}

/* Copies the gateway's output after its ready line to stderr. */
static void *gw_log_thread(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0 && write(STDERR_FILENO, buf, (size_t)n) < 0)
			break;
	close(fd);
	return NULL;
}

/* The child: only async-signal-safe calls between fork() and exec. */
static void gw_exec(const char *prog, char *const argv[], int out,
		    pid_t parent)
{
	static const char msg[] = "fastipc-bench: grpc-gw: cannot execute "
		"the gateway\n";
	sigset_t none;

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(1);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* Its last lines may find the pipe closed: EPIPE, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	if (dup2(out, STDOUT_FILENO) < 0 || dup2(out, STDERR_FILENO) < 0)
		_exit(127);
	execv(prog, argv);
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(127);
	_exit(127);
}

/* Does @log (NUL-terminated) hold a whole line that starts with ready? */
static bool gw_log_ready(const char *log)
{
	const char *l = log, *nl;

	while ((nl = strchr(l, '\n'))) {
		if (!strncmp(l, GW_READY, strlen(GW_READY)))
			return true;
		l = nl + 1;
	}
	return false;
}

/*
 * Read the gateway's output on @fd until its ready line (0), its end or
 * GW_START_MS (-ETIMEDOUT, -ECONNRESET; what it printed is reported).
 */
static int gw_wait_ready(int fd, pid_t pid)
{
	char log[GW_LOG_MAX + 1];
	size_t len = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t end = bench_now_ns() + GW_START_MS * 1000000ULL, now;
	ssize_t n;
	int ret;

	log[0] = '\0';
	while (!gw_log_ready(log)) {
		now = bench_now_ns();
		if (now >= end) {
			ret = -ETIMEDOUT;
			goto fail;
		}
		ret = poll(&p, 1, (int)((end - now) / 1000000ULL) + 1);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret <= 0)
			continue;
		if (len == GW_LOG_MAX) {	/* keep the last half */
			memmove(log, log + GW_LOG_MAX / 2, GW_LOG_MAX / 2);
			len = GW_LOG_MAX / 2;
		}
		n = read(fd, log + len, GW_LOG_MAX - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = -ECONNRESET;
			goto fail;
		}
		len += (size_t)n;
		log[len] = '\0';
	}
	return 0;
fail:
	fprintf(stderr, "%s: grpc-gw: fastipc-grpc-gateway (pid %d) %s; it "
		"printed:\n%s\n", bench_prog, (int)pid, ret == -ETIMEDOUT ?
		"not ready in time" : "ended before its ready line", log);
	return ret;
}

/* Spawn the gateway for @c; its pid in *@pid once it is ready. */
static int gw_spawn(struct mech_ctx *c, pid_t *pid)
{
	char prog_buf[PATH_MAX], sock[PATH_MAX], listen[PATH_MAX + 8];
	char maxmsg[32];
	const char *prog = gw_program(prog_buf, sizeof(prog_buf));
	unsigned long mm = c->size + GW_MSG_SLACK;
	char *argv[] = { (char *)"fastipc-grpc-gateway", (char *)"export",
		(char *)"--listen", listen, (char *)"--channel", c->name,
		(char *)"--max-message", maxmsg, NULL };
	pthread_t tid;
	pid_t self = getpid();
	int pfd[2], ret;

	if (!prog)
		return bench_err(-ENOENT, "grpc-gw: no fastipc-grpc-gateway");
	gw_sock_path(c, sock, sizeof(sock));
	unlink(sock);
	snprintf(listen, sizeof(listen), "unix:%s", sock);
	snprintf(maxmsg, sizeof(maxmsg), "%lu", mm > GW_MSG_MIN ? mm :
		 GW_MSG_MIN);
	if (pipe2(pfd, O_CLOEXEC))
		return bench_err(-errno, "grpc-gw: pipe");
	*pid = fork();
	if (*pid == 0)
		gw_exec(prog, argv, pfd[1], self);
	ret = *pid < 0 ? -errno : 0;
	close(pfd[1]);
	if (ret == 0)
		ret = gw_wait_ready(pfd[0], *pid);
	if (ret == 0)
		ret = -pthread_create(&tid, NULL, gw_log_thread,
				      (void *)(intptr_t)pfd[0]);
	if (ret == 0) {
		pthread_detach(tid);
		return 0;
	}
	close(pfd[0]);
	if (*pid > 0) {
		kill(*pid, SIGKILL);
		waitpid(*pid, NULL, 0);
	}
	return bench_err(ret, "grpc-gw: %s export on %s", prog, listen);
}

static int gw_server_init(struct mech_ctx *c)
{
	pthread_t tid;
	unsigned int i;
	pid_t pid;
	int ret;

	ret = fipc_rpc_server_init(c);
	if (ret < 0)
		return ret;
	ret = -pthread_create(&tid, NULL, gw_rpc_thread, c);
	if (ret < 0)
		return bench_err(ret, "grpc-gw: fastipc-rpc server thread");
	pthread_detach(tid);
	ret = gw_spawn(c, &pid);
	if (ret < 0)
		return ret;
	for (i = 0; i < c->pairs; i++)
		((struct gw_shared *)c->shared[i])->pid = pid;
	return 0;
}

/* Pair 0 watches the gateway: its end is the run's failure. */
static int gw_serve(struct mech_ctx *c, unsigned int pair)
{
	pid_t pid = ((struct gw_shared *)c->shared[0])->pid;
	int status;

	if (pair) {
		for (;;)
			pause();
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	fprintf(stderr, "%s: grpc-gw: fastipc-grpc-gateway ended (status "
		"0x%x)\n", bench_prog, status);
	return -ECONNRESET;
}

/* ---- parent --------------------------------------------------------------- */

/* Has @pid ended (no such process, or a zombie nobody has reaped yet)? */
static bool gw_gone(pid_t pid)
{
	char path[64], buf[512], *p;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return true;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return !p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X';
}

static void gw_cleanup(struct mech_ctx *c)
{
	struct gw_shared *g = c->shared[0];
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	char sock[PATH_MAX];
	unsigned int waited = 0;

	if (g && g->pid > 0 && kill(g->pid, SIGTERM) == 0) {
		while (!gw_gone(g->pid) && waited < GW_EXIT_MS) {
			nanosleep(&tick, NULL);
			waited += 10;
		}
		if (waited >= GW_EXIT_MS) {
			fprintf(stderr, "%s: grpc-gw: fastipc-grpc-gateway "
				"(pid %d) still there %u ms after SIGTERM: "
				"killed\n", bench_prog, (int)g->pid, waited);
			kill(g->pid, SIGKILL);
		}
	}
	gw_sock_path(c, sock, sizeof(sock));
	unlink(sock);
}

/* ---- client processes ----------------------------------------------------- */

static int gw_setup(struct mech_ctx *c, unsigned int pair, void **state)
{
	char sock[PATH_MAX], addr[PATH_MAX + 8];

	(void)pair;
	gw_sock_path(c, sock, sizeof(sock));
	snprintf(addr, sizeof(addr), "unix:%s", sock);
	return grpc_client_connect(addr, c->size, state);
}

static int gw_teardown(void *state, unsigned long rounds, char *note,
		       size_t cap)
{
	(void)rounds;
	snprintf(note, cap, "gRPC %s client -> fastipc-grpc-gateway -> "
		 "fastipc-rpc; CPU includes the gateway's",
		 grpc_version_string());
	grpc_client_free(state);
	return 0;
}

/* The gateway's CPU clock (every thread), read by a client. */
static uint64_t gw_cpu_ns(const struct mech_ctx *c, unsigned int pair,
			  bool *ok)
{
	const struct gw_shared *g = c->shared[pair];
	struct timespec ts;
	clockid_t clk;

	if (!g->pid || clock_getcpuclockid(g->pid, &clk) ||
	    clock_gettime(clk, &ts)) {
		*ok = false;
		return 0;
	}
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

const struct mech mech_grpc_gw = {
	.name = "grpc-gw",
	.label = "gRPC via fastipc-grpc-gateway",
	.usable = gw_usable,
	.shared_size = gw_shared_size,
	.cleanup = gw_cleanup,
	.server_init = gw_server_init,
	.serve = gw_serve,
	.setup = gw_setup,
	.round = grpc_client_round,
	.teardown = gw_teardown,
	.helper_cpu_ns = gw_cpu_ns,
	.spins = MECH_SPINS_KMOD,
};

#endif /* FASTIPC_BENCH_GRPC */
