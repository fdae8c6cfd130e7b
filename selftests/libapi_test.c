// SPDX-License-Identifier: GPL-2.0
/*
 * libfastipc's API rules against the module:
 *  - server_create_fd: fastipc_server_create() takes a channel fd (also a
 *    removed channel's) and rejects every other fd: a pipe, /dev/null, a
 *    connection fd and /dev/fastipc are -ENOTTY, a closed fd -EBADF;
 *  - timeout_*: the one timeout rule of every function with a timeout_ns:
 *    0 does not wait (what would wait for room or data is -EAGAIN with
 *    nothing done; a queued call's reply not yet there is -ETIMEDOUT),
 *    FASTIPC_TIMEOUT_INF and huge values wait, others time out with
 *    -ETIMEDOUT. Asserted on return codes and queue counts, never on
 *    elapsed time.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include <fastipc.h>

#include "kselftest_harness.h"
#include "fastipc_util.h"

#define OP		1
#define STATUS		7
#define MS		1000000ULL
#define RGN		(2 * 4096ULL)	/* one-page areas */

static int chan_new(struct fastipc_dev *dev, char *name, uint32_t queue_msgs)
{
	struct fastipc_chan_opts o = { .queue_msgs = queue_msgs };

	fipc_unique_name(name, "libapi");
	return fastipc_chan_create(dev, name, 0, 0600, &o);
}

static int server_on(int fd)
{
	struct fastipc_server *srv;
	int ret;

	ret = fastipc_server_create(fd, 1, NULL, &srv);
	if (!ret)
		fastipc_server_destroy(srv);
	return ret;
}

TEST(server_create_fd)
{
	char name[FASTIPC_NAME_MAX];
	struct fastipc_conn *conn;
	struct fastipc_dev *dev;
	int p[2], null, chan, closed;
	char buf[64];

	ASSERT_EQ(0, fastipc_open(&dev));
	chan = chan_new(dev, name, 0);
	ASSERT_LE(0, chan);
	ASSERT_EQ(0, fastipc_connect(dev, name, &conn));
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, null);
	closed = dup(null);
	ASSERT_LE(0, closed);
	close(closed);

	EXPECT_EQ(0, server_on(chan));
	EXPECT_EQ(-ENOTTY, server_on(p[0]));
	EXPECT_EQ(-ENOTTY, server_on(p[1]));
	EXPECT_EQ(-ENOTTY, server_on(null));
	EXPECT_EQ(-ENOTTY, server_on(fastipc_conn_fd(conn)));
	EXPECT_EQ(-ENOTTY, server_on(fastipc_dev_fd(dev)));
	EXPECT_EQ(-EBADF, server_on(closed));
	EXPECT_EQ(-EINVAL, server_on(-1));
	/* The probe created nothing: still one connection, no message lost. */
	EXPECT_EQ(0, fastipc_send(conn, OP, "x", 1, 0));
	EXPECT_EQ(1, fipc_recv_type(chan, FASTIPC_MSG_ONEWAY, buf,
				    sizeof(buf), NULL));
	/* A removed channel is still a channel (its pool will see -EIDRM). */
	ASSERT_EQ(0, fastipc_chan_rmid(dev, name, 0));
	EXPECT_EQ(0, server_on(chan));

	fastipc_disconnect(conn);
	close(p[0]);
	close(p[1]);
	close(null);
	close(chan);
	fastipc_close(dev);
}

static uint32_t queued(struct fastipc_dev *dev, const char *name)
{
	struct fastipc_chan_stat st;

	if (fastipc_chan_stat(dev, name, 0, &st))
		return UINT32_MAX;
	return st.queue_msgs;
}

/* Serves @n calls with STATUS and a 2-byte reply. */
struct replier {
	int chan;
	int n;
	int served;
};

static void *replier_main(void *arg)
{
	struct replier *r = arg;
	struct fastipc_msg_hdr hdr;
	char buf[16];

	while (r->served < r->n) {
		if (fipc_recv_type(r->chan, FASTIPC_MSG_REQUEST, buf,
				   sizeof(buf), &hdr) < 0)
			break;
		if (fipc_reply(r->chan, hdr.msg_id, "ok", 2, STATUS, NULL))
			break;
		r->served++;
	}
	return NULL;
}

/* fastipc_send() and fastipc_call() on a one-message queue. */
TEST(timeout_copy)
{
	char name[FASTIPC_NAME_MAX], rep[8];
	struct replier r = { .n = 2 };
	struct fastipc_conn *conn;
	struct fastipc_dev *dev;
	pthread_t th;
	size_t len;

	ASSERT_EQ(0, fastipc_open(&dev));
	r.chan = chan_new(dev, name, 1);
	ASSERT_LE(0, r.chan);
	ASSERT_EQ(0, fastipc_connect(dev, name, &conn));
	ASSERT_LE(0, fipc_recv_type(r.chan, FASTIPC_MSG_CONNECT, rep,
				    sizeof(rep), NULL));
	ASSERT_EQ(0, queued(dev, name));

	/* 0 with room: done at once. */
	EXPECT_EQ(0, fastipc_send(conn, OP, "a", 1, 0));
	EXPECT_EQ(1, queued(dev, name));
	/* 0 with the queue full: -EAGAIN, nothing queued (was -ETIMEDOUT). */
	EXPECT_EQ(-EAGAIN, fastipc_send(conn, OP, "b", 1, 0));
	EXPECT_EQ(-EAGAIN, fastipc_call(conn, OP, "c", 1, rep, sizeof(rep),
					&len, 0));
	EXPECT_EQ(1, queued(dev, name));
	/* A positive timeout runs out: -ETIMEDOUT, nothing queued. */
	EXPECT_EQ(-ETIMEDOUT, fastipc_send(conn, OP, "d", 1, MS));
	EXPECT_EQ(-ETIMEDOUT, fastipc_call(conn, OP, "e", 1, rep, sizeof(rep),
					   &len, MS));
	EXPECT_EQ(1, queued(dev, name));
	ASSERT_EQ(1, fipc_recv(r.chan, rep, sizeof(rep), FASTIPC_F_NONBLOCK, 0,
			       NULL));
	EXPECT_EQ(0, queued(dev, name));
	/* 0 with room: the call is queued, not waited for, and cancelled. */
	EXPECT_EQ(-ETIMEDOUT, fastipc_call(conn, OP, "f", 1, rep, sizeof(rep),
					   &len, 0));
	EXPECT_EQ(0, queued(dev, name));
	/* FASTIPC_TIMEOUT_INF, and a timeout too large to run out: wait. */
	ASSERT_EQ(0, pthread_create(&th, NULL, replier_main, &r));
	len = 0;
	EXPECT_EQ(STATUS, fastipc_call(conn, OP, "g", 1, rep, sizeof(rep),
				       &len, FASTIPC_TIMEOUT_INF));
	EXPECT_EQ(2, len);
	len = 0;
	EXPECT_EQ(STATUS, fastipc_call(conn, OP, "h", 1, rep, sizeof(rep),
				       &len, UINT64_MAX - 1));
	EXPECT_EQ(2, len);
	pthread_join(th, NULL);
	EXPECT_EQ(2, r.served);

	fastipc_disconnect(conn);
	close(r.chan);
	fastipc_close(dev);
}

/* fastipc_call_buf_get() and fastipc_call_zc() on a one-page ring. */
TEST(timeout_region)
{
	struct fastipc_conn_opts co = { .region_size = RGN };
	char name[FASTIPC_NAME_MAX], rep[8];
	struct fastipc_reply out;
	struct fastipc_conn *conn;
	struct fastipc_dev *dev;
	void *bufs[64], *b;
	int chan, n, i;
	size_t max;

	ASSERT_EQ(0, fastipc_open(&dev));
	chan = chan_new(dev, name, 0);
	ASSERT_LE(0, chan);
	ASSERT_EQ(0, fastipc_connect_opts(dev, name, 0, &co, &conn));
	max = fastipc_conn_shm_max(conn);
	ASSERT_LT(0, max);

	for (n = 0; n < 64; n++)
		if (fastipc_call_buf_get(conn, max, &bufs[n], 0))
			break;
	ASSERT_LT(0, n);
	ASSERT_GT(64, n);
	EXPECT_EQ(-EAGAIN, fastipc_call_buf_get(conn, max, &b, 0));
	EXPECT_EQ(-ETIMEDOUT, fastipc_call_buf_get(conn, max, &b, MS));
	for (i = 0; i < n; i++)
		EXPECT_EQ(0, fastipc_call_buf_put(conn, bufs[i]));
	/* 0 with room: queued, not waited for, cancelled. */
	ASSERT_EQ(0, fastipc_call_buf_get(conn, 16, &b, 0));
	memset(b, 0, 16);
	EXPECT_EQ(-ETIMEDOUT, fastipc_call_zc(conn, OP, b, 16, rep,
					      sizeof(rep), &out, 0));
	ASSERT_LE(0, fipc_recv_type(chan, FASTIPC_MSG_CONNECT, rep,
				    sizeof(rep), NULL));
	EXPECT_EQ(0, queued(dev, name));

	fastipc_disconnect(conn);
	close(chan);
	fastipc_close(dev);
}

/* The stream functions, both ends. */
TEST(timeout_stream)
{
	struct fastipc_conn_opts co = { .region_size = RGN };
	struct fastipc_stream_opts so = { .spin = 0 };
	char name[FASTIPC_NAME_MAX], rec[64];
	struct fastipc_stream *tx, *rx;
	struct fastipc_conn *conn;
	struct fastipc_dev *dev;
	const void *in;
	int chan, n;
	void *b;
	size_t len;

	ASSERT_EQ(0, fastipc_open(&dev));
	chan = chan_new(dev, name, 0);
	ASSERT_LE(0, chan);
	ASSERT_EQ(0, fastipc_connect_opts(dev, name, 0, &co, &conn));
	ASSERT_EQ(0, fastipc_stream_open(conn, FASTIPC_STREAM_C2S, &so, &tx));
	ASSERT_EQ(0, fastipc_stream_accept(chan, fastipc_conn_id(conn),
					   FASTIPC_STREAM_C2S, &so, &rx));

	EXPECT_EQ(-EAGAIN, fastipc_stream_recv(rx, rec, sizeof(rec), &len, 0));
	EXPECT_EQ(-EAGAIN, fastipc_stream_peek(rx, &in, &len, 0));
	EXPECT_EQ(-ETIMEDOUT, fastipc_stream_recv(rx, rec, sizeof(rec), &len,
						  MS));
	memset(rec, 0x5a, sizeof(rec));
	for (n = 0; n < 4096; n++)
		if (fastipc_stream_send(tx, rec, sizeof(rec), 0))
			break;
	ASSERT_LT(0, n);
	ASSERT_GT(4096, n);
	EXPECT_EQ(-EAGAIN, fastipc_stream_send(tx, rec, sizeof(rec), 0));
	EXPECT_EQ(-EAGAIN, fastipc_stream_reserve(tx, sizeof(rec), &b, 0));
	EXPECT_EQ(-ETIMEDOUT, fastipc_stream_send(tx, rec, sizeof(rec), MS));
	/* One record out makes room for one in, without waiting. */
	EXPECT_EQ(0, fastipc_stream_recv(rx, rec, sizeof(rec), &len, 0));
	EXPECT_EQ(sizeof(rec), len);
	EXPECT_EQ(0, fastipc_stream_send(tx, rec, sizeof(rec), 0));
	/* Everything sent arrives, then 0 finds nothing. */
	while (fastipc_stream_recv(rx, rec, sizeof(rec), &len, 0) == 0)
		n--;
	EXPECT_EQ(0, n);
	EXPECT_EQ(-EAGAIN, fastipc_stream_peek(rx, &in, &len, 0));
	EXPECT_EQ(0, fastipc_stream_errors(rx));

	fastipc_stream_close(rx);
	fastipc_stream_close(tx);
	fastipc_disconnect(conn);
	close(chan);
	fastipc_close(dev);
}

TEST_HARNESS_MAIN
