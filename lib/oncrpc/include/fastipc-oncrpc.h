/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * libfastipc-oncrpc: ONC RPC (rpcgen, libtirpc) services over fastipc.
 *
 * The client side is a libtirpc CLIENT whose operations call over a
 * fastipc connection: the stubs of `rpcgen -M` (proc_1(args, res, clnt))
 * and clnt_call() run unchanged. The server side serves one or more
 * (program, version, dispatch) registrations on a fastipc channel from
 * libfastipc's thread pool and calls the unchanged rpcgen dispatch
 * functions (prog_1(rqstp, transp)) with a per-call SVCXPRT: svc_getargs,
 * svc_sendreply, svc_freeargs and svcerr_* work as over TCP. The caller's
 * credentials are the kernel's (AUTH_SYS built from the pid/uid/gid the
 * kernel recorded: a local caller cannot forge them).
 *
 * Requires `rpcgen -M` (thread-safe stubs: results are the caller's, not
 * static): the server runs dispatch functions on several threads at once.
 * The wire format is in Documentation/userspace-api/fastipc-oncrpc.rst.
 *
 * Conventions: the client functions follow libtirpc's (NULL and
 * rpc_createerr on failure); the server functions libfastipc's (0 or a
 * negative errno). Sizes in bytes.
 */
#ifndef _FASTIPC_ONCRPC_H
#define _FASTIPC_ONCRPC_H

#include <stdint.h>
#include <sys/types.h>
#include <rpc/rpc.h>

#ifdef __cplusplus
extern "C" {
#endif

struct fastipc_dev;

/* CLIENT.cl_netid and SVCXPRT.xp_netid of this transport. */
#define FASTIPC_ONCRPC_NETID	"fastipc"

/*
 * The largest request (header and XDR arguments) and reply a client
 * created without options can carry: 1 MiB + 64 KiB. Above the channel's
 * msg_max, requests and replies go through the connection's region.
 */
#define FASTIPC_ONCRPC_MAX_PAYLOAD_DEFAULT	((1U << 20) + (64U << 10))

/*
 * struct clnt_fastipc_opts - Options of clnt_fastipc_create_opts().
 * @dev: an open device (fastipc_open()) to connect through, still the
 *	caller's; NULL to open one for the CLIENT (closed by clnt_destroy).
 * @max_payload: the largest request and reply in bytes (the ONC header
 *	of 16 bytes plus the XDR data); 0 for
 *	FASTIPC_ONCRPC_MAX_PAYLOAD_DEFAULT. Above the channel's msg_max the
 *	connection gets a region sized for it (fastipc_conn_opts).
 * @timeout_ns: the timeout of the probe made at create time in
 *	nanoseconds; 0 for 25 s (rpcgen's default call timeout).
 * @resv: must be 0.
 */
struct clnt_fastipc_opts {
	struct fastipc_dev *dev;
	uint64_t max_payload;
	uint64_t timeout_ns;
	uint64_t resv[4];
};

/*
 * clnt_fastipc_create() - A CLIENT calling program @prog version @vers on
 * the fastipc channel @channel, as clnt_create() gives one over TCP.
 * @channel: the channel's name (1..63 bytes, see fastipc_chan_create()).
 * @prog: ONC RPC program number; @vers: its version.
 *
 * Connects (FASTIPC_ONCRPC_MAX_PAYLOAD_DEFAULT as max_payload) and asks
 * the server whether it serves @prog/@vers (a probe that runs no
 * procedure). The CLIENT's clnt_call() (and so rpcgen's stubs) encodes
 * the arguments with XDR, calls with fastipc_call2() (small requests by
 * copy, large ones through the region; FASTIPC_CALL_ALLOC for the
 * reply), decodes the results. Any number of threads may call on one
 * CLIENT at once. cl_auth is AUTH_NONE: the server sees the kernel's
 * credentials whatever the client says. clnt_control() knows
 * CLSET_TIMEOUT and CLGET_TIMEOUT (a timeout set there replaces the one
 * of each clnt_call(), as over TCP), CLGET_FD (the connection fd),
 * CLGET_VERS, CLGET_PROG and CLGET_SVC_ADDR (a netbuf holding the
 * channel's name). clnt_destroy() disconnects.
 *
 * How a call ends (clnt_call() and rpcgen stubs return it; clnt_geterr()
 * and clnt_sperror() of the calling thread tell it):
 *  RPC_SUCCESS; RPC_PROGUNAVAIL, RPC_PROGVERSMISMATCH (re_vers: the
 *  lowest and highest version the server has of @prog), RPC_PROCUNAVAIL,
 *  RPC_CANTDECODEARGS (the server could not decode the arguments),
 *  RPC_SYSTEMERROR (the server said SYSTEM_ERR, or answered without a
 *  reply: re_errno is the server's errno, EPROTO when it sent none);
 *  RPC_AUTHERROR (re_why: the service refused the credentials);
 *  RPC_TIMEDOUT (the timeout ran out: the call is cancelled);
 *  RPC_CANTENCODEARGS; RPC_CANTDECODERES (results that do not decode, or
 *  a reply that is not one of this protocol); RPC_CANTSEND (re_errno:
 *  EMSGSIZE for arguments above max_payload, or the errno of the call);
 *  RPC_CANTRECV (re_errno: ECONNRESET when the server went away during
 *  or before the call, EIDRM when the channel was removed, EOVERFLOW for
 *  results above max_payload); RPC_INTR (a signal).
 *
 * Return: the CLIENT, or NULL with rpc_createerr set: cf_stat
 * RPC_SYSTEMERROR with cf_error.re_errno (ENOENT: no such channel or no
 * /dev/fastipc, EACCES, ENOMEM, ...), RPC_PROGUNAVAIL (the server does
 * not serve @prog, or is not an ONC RPC server), RPC_PROGVERSMISMATCH
 * (cf_error.re_vers low/high), RPC_TIMEDOUT (no answer to the probe),
 * RPC_CANTRECV (the server went away). clnt_spcreateerror() tells it.
 */
CLIENT *clnt_fastipc_create(const char *channel, rpcprog_t prog,
			    rpcvers_t vers);

/*
 * clnt_fastipc_create_opts() - clnt_fastipc_create() with options.
 * @opts: options, or NULL for the defaults; a non-zero @opts->resv is
 *	RPC_SYSTEMERROR with EINVAL.
 * Return: as clnt_fastipc_create().
 */
CLIENT *clnt_fastipc_create_opts(const char *channel, rpcprog_t prog,
				 rpcvers_t vers,
				 const struct clnt_fastipc_opts *opts);

/* An rpcgen dispatch function: void prog_1(struct svc_req *, SVCXPRT *). */
typedef void (*svc_fastipc_dispatch_t)(struct svc_req *rqstp, SVCXPRT *xprt);

/* A server serving ONC RPC programs on a fastipc channel (opaque). */
struct svc_fastipc;

/*
 * svc_fastipc_create() - Create channel @channel and a server for it.
 * @channel: the channel's name (1..63 printable bytes, no '/').
 * @mode: the channel's permission bits (w: may call), at most 0777.
 * @nthreads: pool threads running dispatch functions, 1..1024.
 * @srvp: out: the server, to be freed with svc_fastipc_destroy() (which
 *	also closes the channel).
 *
 * Return: 0, or a negative errno: -ENOENT (no /dev/fastipc), -EEXIST
 * (the name is in use), -EINVAL (bad name, mode or @nthreads), -EACCES,
 * -ENOMEM, or another error of fastipc_open() or fastipc_chan_create().
 */
int svc_fastipc_create(const char *channel, uint32_t mode,
		       unsigned int nthreads, struct svc_fastipc **srvp);

/*
 * svc_fastipc_create_fd() - A server for the channel fd @chan_fd (from
 * fastipc_chan_create()), which stays the caller's: close it after
 * svc_fastipc_destroy().
 * Return: 0, or -EINVAL, -EBADF, -ENOTTY (not a channel fd), -ENOMEM.
 */
int svc_fastipc_create_fd(int chan_fd, unsigned int nthreads,
			  struct svc_fastipc **srvp);

/*
 * svc_fastipc_reg() - Serve program @prog version @vers with @dispatch
 * (rpcgen's prog_vers function, generated with -M). Several versions of
 * one program and several programs may be registered; a caller asking
 * for an unregistered version learns the lowest and highest registered
 * (PROG_MISMATCH). Only before svc_fastipc_run().
 *
 * Return: 0, or -EEXIST (@prog/@vers registered already), -EINVAL
 * (@dispatch NULL), -EBUSY (running), -ENOMEM.
 */
int svc_fastipc_reg(struct svc_fastipc *srv, rpcprog_t prog, rpcvers_t vers,
		    svc_fastipc_dispatch_t dispatch);

/*
 * svc_fastipc_run() - Serve until svc_fastipc_stop(): the pool's threads
 * receive calls and run the dispatch functions concurrently, each with a
 * SVCXPRT of its own (xp_netid "fastipc", xp_p3 a valid SVCXPRT_EXT)
 * and a struct svc_req whose rq_cred is AUTH_SYS and rq_clntcred a
 * struct authunix_parms of the caller's kernel-recorded uid and gid
 * (aup_machname "localhost", no supplementary groups). Arguments the
 * client put in its shared region are copied to private memory before
 * XDR decodes them.
 *
 * Return: 0 after svc_fastipc_stop(), or the negative errno of
 * fastipc_server_run() that ended the pool (-EIDRM: channel removed).
 */
int svc_fastipc_run(struct svc_fastipc *srv);

/*
 * svc_fastipc_stop() - Make svc_fastipc_run() return once the calls in
 * progress are answered. Async-signal-safe, as fastipc_server_stop().
 */
void svc_fastipc_stop(struct svc_fastipc *srv);

/*
 * svc_fastipc_destroy() - Free @srv (NULL is a no-op), and close its
 * channel when svc_fastipc_create() made it. Not while it runs.
 */
void svc_fastipc_destroy(struct svc_fastipc *srv);

/*
 * struct svc_fastipc_caller - Who made a call, as the kernel recorded it
 * when the request was sent (not what the client claims).
 * @pid: the caller's thread group id in the server's pid namespace.
 * @uid: its effective uid; @gid: its effective gid.
 * @conn_id: the fastipc connection the call came on.
 */
struct svc_fastipc_caller {
	pid_t pid;
	uid_t uid;
	gid_t gid;
	uint64_t conn_id;
};

/*
 * svc_fastipc_getcaller() - The caller of the call @xprt carries, for a
 * dispatch or service function (svc_getcaller()-style).
 * @xprt: the SVCXPRT given to the dispatch function (rqstp->rq_xprt).
 * @out: out: the caller.
 *
 * Return: 0, or -EINVAL (@xprt is not a fastipc transport, e.g. the
 * same dispatch serving TCP).
 */
int svc_fastipc_getcaller(const SVCXPRT *xprt, struct svc_fastipc_caller *out);

#ifdef __cplusplus
}
#endif

#endif /* _FASTIPC_ONCRPC_H */
