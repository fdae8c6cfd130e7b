#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""gw_server.py: the gRPC server that grpc_gateway_test.sh imports onto a
fastipc channel (fastipc-grpc-gateway import).

  gw_server.py ADDR

serves two services: kv.Kv (examples/rpc-kv/kv.proto) answered as
kv-rpc-server answers it (same statuses and messages), with keys owned by
the uid in the "x-fastipc-caller-uid" metadata; and fastipc.test.Echo
(echo.proto): the data and the gRPC metadata received come back.

ADDR: HOST:PORT (port 0: any free one) or unix:/abs/path. When ready it
prints "gw_server: ready ADDR" (the port chosen); each call prints
"gw_server: METHOD caller pid=P uid=U gid=G" from the x-fastipc-caller-*
metadata; an Echo with sleep_ms prints "gw_server: sleeping N ms" and
waits that long or until the deadline. SIGTERM/SIGINT: stop, exit 0.
"""
import signal
import sys
import threading
from concurrent import futures

import grpc

import echo_pb2
import echo_pb2_grpc
import kv_pb2
import kv_pb2_grpc

PROG = "gw_server"
KEY_MAX = 256
VALUE_MAX = 4 << 20
stop = threading.Event()


def caller(context, method):
    md = dict(context.invocation_metadata())
    ids = [md.get("x-fastipc-caller-" + k, "?") for k in ("pid", "uid", "gid")]
    print(f"{PROG}: {method} caller pid={ids[0]} uid={ids[1]} gid={ids[2]}",
          flush=True)
    return int(ids[1]) if ids[1].isdigit() else -1


class Kv(kv_pb2_grpc.KvServicer):
    def __init__(self):
        self.store = {}
        self.lock = threading.Lock()

    def check_key(self, key, context):
        n = len(key.encode())
        if not 1 <= n <= KEY_MAX:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                          f"keys have 1 to {KEY_MAX} bytes, not {n}")

    def check_owner(self, key, uid, context):
        owner = self.store[key][1]
        if owner != uid:
            context.abort(grpc.StatusCode.PERMISSION_DENIED,
                          f'key "{key}" belongs to uid {owner}, not to uid {uid}')

    def Get(self, request, context):
        caller(context, "Get")
        self.check_key(request.key, context)
        with self.lock:
            if request.key not in self.store:
                context.abort(grpc.StatusCode.NOT_FOUND, f'no key "{request.key}"')
            value, owner = self.store[request.key]
        return kv_pb2.GetReply(value=value, owner_uid=max(owner, 0))

    def Put(self, request, context):
        uid = caller(context, "Put")
        self.check_key(request.key, context)
        if len(request.value) > VALUE_MAX:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                          f"values have up to {VALUE_MAX} bytes, "
                          f"not {len(request.value)}")
        with self.lock:
            old = self.store.get(request.key)
            if old and request.if_absent:
                context.abort(grpc.StatusCode.ALREADY_EXISTS,
                              f'key "{request.key}" exists')
            if old:
                self.check_owner(request.key, uid, context)
            self.store[request.key] = (request.value, uid)
        return kv_pb2.PutReply(replaced=old is not None)

    def Delete(self, request, context):
        uid = caller(context, "Delete")
        self.check_key(request.key, context)
        with self.lock:
            if request.key not in self.store:
                context.abort(grpc.StatusCode.NOT_FOUND, f'no key "{request.key}"')
            self.check_owner(request.key, uid, context)
            del self.store[request.key]
        return kv_pb2.DeleteReply()

    def List(self, request, context):
        caller(context, "List")
        limit = request.limit or 1000
        with self.lock:
            keys = sorted(k for k in self.store if k.startswith(request.prefix))
        return kv_pb2.ListReply(keys=keys[:limit], truncated=len(keys) > limit)


class Echo(echo_pb2_grpc.EchoServicer):
    def Echo(self, request, context):
        caller(context, "Echo")
        if request.sleep_ms:
            print(f"{PROG}: sleeping {request.sleep_ms} ms", flush=True)
            wait = request.sleep_ms / 1000
            left = context.time_remaining()
            stop.wait(wait if left is None else min(wait, max(left, 0)))
        md = [echo_pb2.MdEntry(key=k, value=v if isinstance(v, str) else v.hex())
              for k, v in context.invocation_metadata()]
        return echo_pb2.EchoReply(data=request.data, md=md)


def main():
    err = "address in use or invalid"
    if len(sys.argv) != 2:
        print(f"usage: {PROG} ADDR", file=sys.stderr)
        return 2
    addr = sys.argv[1]
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8),
                         options=[("grpc.max_receive_message_length", 64 << 20),
                                  ("grpc.max_send_message_length", 64 << 20)])
    kv_pb2_grpc.add_KvServicer_to_server(Kv(), server)
    echo_pb2_grpc.add_EchoServicer_to_server(Echo(), server)
    try:
        port = server.add_insecure_port(addr)
    except RuntimeError as e:
        port, err = 0, e
    if not port:
        print(f"{PROG}: cannot listen on {addr}: {err}", file=sys.stderr)
        return 1
    if not addr.startswith("unix:"):
        addr = f"{addr.rsplit(':', 1)[0]}:{port}"
    server.start()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(f"{PROG}: ready {addr}", flush=True)
    stop.wait()
    server.stop(0).wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
