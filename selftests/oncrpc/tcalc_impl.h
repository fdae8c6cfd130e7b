/* SPDX-License-Identifier: GPL-2.0 */
/*
 * oncrpc_test's service functions (tcalc.x, rpcgen -M): what a service
 * written for TCP has, nothing fastipc-specific except TC_WHO reporting
 * svc_fastipc_getcaller() beside the AUTH_SYS credentials.
 */
#ifndef TCALC_IMPL_H
#define TCALC_IMPL_H

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fastipc-oncrpc.h>
#include "tcalc.h"

/* rpcgen -m's dispatch functions (its header does not declare them) */
void tcalc_prog_1(struct svc_req *rqstp, SVCXPRT *transp);
void tcalc_prog_3(struct svc_req *rqstp, SVCXPRT *transp);

/* TC_BLOCK: counts entries, writes a byte to tc_block_fd (when >= 0),
 * waits until tc_release is set (at most 60 s). */
static atomic_int tc_blocked;
static atomic_int tc_release;
static int tc_block_fd = -1;

bool_t tc_null_1_svc(void *argp, void *result, struct svc_req *rq)
{
	(void)argp; (void)result; (void)rq;
	return TRUE;
}

bool_t tc_add_1_svc(tc_pair *argp, int *result, struct svc_req *rq)
{
	(void)rq;
	*result = argp->a + argp->b;
	return TRUE;
}

bool_t tc_echo_1_svc(tc_bytes *argp, tc_bytes *result, struct svc_req *rq)
{
	(void)rq;
	result->tc_bytes_len = argp->tc_bytes_len;
	result->tc_bytes_val = malloc(argp->tc_bytes_len + 1);
	if (!result->tc_bytes_val)
		return FALSE;
	memcpy(result->tc_bytes_val, argp->tc_bytes_val, argp->tc_bytes_len);
	return TRUE;
}

bool_t tc_who_1_svc(void *argp, tc_who *result, struct svc_req *rq)
{
	struct authunix_parms *aup = (struct authunix_parms *)rq->rq_clntcred;
	struct svc_fastipc_caller c;

	(void)argp;
	memset(result, 0, sizeof(*result));
	result->flavor = (int)rq->rq_cred.oa_flavor;
	if (rq->rq_cred.oa_flavor == AUTH_SYS && aup) {
		result->cred_uid = (int)aup->aup_uid;
		result->cred_gid = (int)aup->aup_gid;
	}
	result->uid = result->gid = result->pid = -1;
	if (svc_fastipc_getcaller(rq->rq_xprt, &c) == 0) {
		result->uid = (int)c.uid;
		result->gid = (int)c.gid;
		result->pid = (int)c.pid;
	}
	result->netid = strdup(rq->rq_xprt->xp_netid ?
			       rq->rq_xprt->xp_netid : "");
	return result->netid != NULL;
}

bool_t tc_block_1_svc(int *argp, int *result, struct svc_req *rq)
{
	int i;

	(void)rq;
	atomic_fetch_add(&tc_blocked, 1);
	if (tc_block_fd >= 0 && write(tc_block_fd, "b", 1) != 1)
		return FALSE;
	for (i = 0; i < 60000 && !atomic_load(&tc_release); i++)
		usleep(1000);
	*result = *argp;
	return TRUE;
}

int tcalc_prog_1_freeresult(SVCXPRT *transp, xdrproc_t xdr_result,
			    caddr_t result)
{
	(void)transp;
	xdr_free(xdr_result, result);
	return 1;
}

bool_t tc_add3_3_svc(tc_pair *argp, int *result, struct svc_req *rq)
{
	(void)rq;
	*result = 3 * (argp->a + argp->b);
	return TRUE;
}

int tcalc_prog_3_freeresult(SVCXPRT *transp, xdrproc_t xdr_result,
			    caddr_t result)
{
	(void)transp;
	xdr_free(xdr_result, result);
	return 1;
}

#endif /* TCALC_IMPL_H */
