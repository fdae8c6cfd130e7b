/* SPDX-License-Identifier: LGPL-2.1 OR MIT */
/*
 * The handlers of scantest.proto's Test service shared by the host tests
 * of the server (server_test, md_test, sraw_test): each answers with its
 * request.
 */
#ifndef SCANTEST_SVC_H
#define SCANTEST_SVC_H

#include "scantest.pb-c.h"

static inline void echo(Scantest__Test_Service *s, const Scantest__All *in,
			Scantest__All_Closure closure, void *data)
{
	(void)s;
	closure(in, data);
}

static inline void walk(Scantest__Test_Service *s, const Scantest__Node *in,
			Scantest__Node_Closure closure, void *data)
{
	(void)s;
	closure(in, data);
}

#endif /* SCANTEST_SVC_H */
