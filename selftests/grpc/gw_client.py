#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""gw_client.py: the gRPC clients of grpc_gateway_test.sh and `make demo`.

Python 3 with Debian's python3-grpcio; the stubs (hash_pb2*, kv_pb2*,
echo_pb2*) are generated at build time from the same .proto files as the
C code, into selftests/grpcgen/ (on PYTHONPATH).

  gw_client.py hash ADDR FILE...      Digest of each file, sha256sum's format
  gw_client.py kv ADDR get KEY | put KEY VALUE | del KEY | list [PREFIX]
  gw_client.py echo ADDR [--sleep MS] [--deadline S] [--bytes N]
                         [--max-receive BYTES]
      one Echo call: prints "pid=" this process's pid, "caller=PID UID
      GID" (the kernel's record at the fastipc server), "md KEY=VALUE"
      for each metadata entry the server received, "data LEN ok" when the
      reply's data is the request's (else "mismatch", status 1)
  gw_client.py concurrent ADDR CLIENTS CALLS
      CLIENTS threads, each with its own channel (its own connection),
      each making CALLS Echo calls with its own data; prints "concurrent
      CLIENTS clients, N calls ok, P peers" (P: distinct x-fastipc-peer)

  gw_client.py batch DIR FILE
      each line of FILE is the arguments of one of the commands above
      (split as a shell would); line N's output goes to DIR/N.out and
      DIR/N.err, its exit status to DIR/N.st (written last): one Python
      start (slow under TCG) for many calls. FILE may be a FIFO the
      caller keeps writing to; a line that starts with "& " runs in a
      thread of its own (a call to leave in flight), the next line is
      read at once.

ADDR is HOST:PORT or unix:/abs/path. Every call has a deadline:
--deadline's, else $GW_CLIENT_DEADLINE seconds (default 300), so that a
gateway that never answers fails the call instead of hanging the test.
A call that fails prints
"gw_client: CODE: details" on stderr and exits 1; usage errors exit 2.
"""
import argparse
import os
import shlex
import sys
import threading

import grpc

import echo_pb2
import echo_pb2_grpc
import hash_pb2
import hash_pb2_grpc
import kv_pb2
import kv_pb2_grpc

PROG = "gw_client"
DEADLINE = float(os.environ.get("GW_CLIENT_DEADLINE", "300"))


def channel(addr, max_receive=None, own=False):
    opts = [("grpc.max_send_message_length", -1)]
    if max_receive is not None:
        opts.append(("grpc.max_receive_message_length", max_receive))
    if own:
        opts.append(("grpc.use_local_subchannel_pool", 1))
    return grpc.insecure_channel(addr, options=opts)


def do_hash(args):
    with channel(args.addr, max_receive=64 << 20) as ch:
        stub = hash_pb2_grpc.HashStub(ch)
        for path in args.files:
            with open(path, "rb") as f:
                data = f.read()
            rep = stub.Digest(hash_pb2.DigestRequest(data=data),
                              timeout=DEADLINE)
            if len(rep.digest) != 32:
                print(f"{PROG}: {path}: a digest of {len(rep.digest)} bytes",
                      file=sys.stderr)
                return 1
            print(f"{rep.digest.hex()}  {path}")
    return 0


def do_kv(args):
    op, rest = args.op, args.args
    want = {"get": 1, "put": 2, "del": 1, "list": None}
    if op not in want or (want[op] is not None and len(rest) != want[op]) or \
       (op == "list" and len(rest) > 1):
        print(f"usage: {PROG} kv ADDR get KEY | put KEY VALUE | del KEY | "
              "list [PREFIX]", file=sys.stderr)
        return 2
    with channel(args.addr) as ch:
        stub = kv_pb2_grpc.KvStub(ch)
        if op == "get":
            rep = stub.Get(kv_pb2.GetRequest(key=rest[0]), timeout=DEADLINE)
            sys.stdout.buffer.write(rep.value + b"\n")
            print(f"owner_uid={rep.owner_uid}")
        elif op == "put":
            rep = stub.Put(kv_pb2.PutRequest(key=rest[0],
                                             value=rest[1].encode()),
                           timeout=DEADLINE)
            print(f"replaced={str(rep.replaced).lower()}")
        elif op == "del":
            stub.Delete(kv_pb2.DeleteRequest(key=rest[0]), timeout=DEADLINE)
        else:
            rep = stub.List(kv_pb2.ListRequest(prefix=rest[0] if rest else ""),
                            timeout=DEADLINE)
            for k in rep.keys:
                print(k)
    return 0


def pattern(n, salt=0):
    s = salt % 256
    return (bytes(range(256)) * (n // 256 + 2))[s:s + n]


def print_echo(rep, data):
    print(f"pid={os.getpid()}")
    print(f"caller={rep.caller_pid} {rep.caller_uid} {rep.caller_gid}")
    for e in rep.md:
        print(f"md {e.key}={e.value}")
    same = rep.data == data
    print(f"data {len(rep.data)} {'ok' if same else 'mismatch'}")
    return 0 if same else 1


def do_echo(args):
    data = pattern(args.bytes)
    with channel(args.addr, max_receive=args.max_receive) as ch:
        stub = echo_pb2_grpc.EchoStub(ch)
        rep = stub.Echo(echo_pb2.EchoRequest(data=data, sleep_ms=args.sleep),
                        timeout=args.deadline or DEADLINE)
        return print_echo(rep, data)


def do_concurrent(args):
    ok = [0] * args.clients
    peers = set()
    errors = []
    lock = threading.Lock()

    def client(i):
        try:
            with channel(args.addr, own=True) as ch:
                stub = echo_pb2_grpc.EchoStub(ch)
                for j in range(args.calls):
                    data = pattern(64 + i, salt=i * 31 + j)
                    rep = stub.Echo(echo_pb2.EchoRequest(data=data),
                                    timeout=DEADLINE)
                    if rep.data != data:
                        raise ValueError(f"client {i} call {j}: data differ")
                    with lock:
                        peers.update(e.value for e in rep.md
                                     if e.key == "x-fastipc-peer")
                    ok[i] += 1
        except (grpc.RpcError, ValueError) as e:
            with lock:
                errors.append(e)

    threads = [threading.Thread(target=client, args=(i,))
               for i in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for e in errors:
        if isinstance(e, grpc.RpcError):
            print(f"{PROG}: {e.code().name}: {e.details()}", file=sys.stderr)
        else:
            print(f"{PROG}: {e}", file=sys.stderr)
    print(f"concurrent {args.clients} clients, {sum(ok)} calls ok, "
          f"{len(peers)} peers")
    return 1 if errors else 0


class ThreadStream:
    """sys.stdout/stderr that write to the calling thread's own file."""

    def __init__(self, default):
        self.default = default
        self.local = threading.local()

    def target(self):
        return getattr(self.local, "stream", None) or self.default

    def write(self, text):
        return self.target().write(text)

    def flush(self):
        self.target().flush()

    @property
    def buffer(self):
        return self.target().buffer


def batch_one(base, line):
    with open(base + ".out", "w") as out, open(base + ".err", "w") as err:
        sys.stdout.local.stream, sys.stderr.local.stream = out, err
        try:
            st = run(shlex.split(line))
        except SystemExit as e:
            st = e.code if isinstance(e.code, int) else 2
        except Exception as e:  # report it as this call's failure
            print(f"{PROG}: {type(e).__name__}: {e}", file=err)
            st = 1
        sys.stdout.local.stream = sys.stderr.local.stream = None
    with open(base + ".st.tmp", "w") as f:
        f.write(f"{st}\n")
    os.rename(base + ".st.tmp", base + ".st")


def batch_lines(path):
    fd = os.open(path, os.O_RDONLY)
    buf = b""
    try:
        while True:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                yield line.decode()
    finally:
        os.close(fd)
    if buf:
        yield buf.decode()


def do_batch(args):
    sys.stdout = ThreadStream(sys.stdout)
    sys.stderr = ThreadStream(sys.stderr)
    threads = []
    i = 0
    for line in batch_lines(args.file):
        if not line.strip():
            continue
        i += 1
        base = os.path.join(args.dir, str(i))
        if line.startswith("& "):
            t = threading.Thread(target=batch_one, args=(base, line[2:]))
            t.start()
            threads.append(t)
        else:
            batch_one(base, line)
    for t in threads:
        t.join()
    return 0


def run(argv):
    p = argparse.ArgumentParser(prog=PROG)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("hash")
    s.add_argument("addr")
    s.add_argument("files", nargs="+")
    s.set_defaults(fn=do_hash)
    s = sub.add_parser("kv")
    s.add_argument("addr")
    s.add_argument("op")
    s.add_argument("args", nargs="*")
    s.set_defaults(fn=do_kv)
    s = sub.add_parser("echo")
    s.add_argument("addr")
    s.add_argument("--sleep", type=int, default=0)
    s.add_argument("--deadline", type=float, default=None)
    s.add_argument("--bytes", type=int, default=16)
    s.add_argument("--max-receive", type=int, default=None)
    s.set_defaults(fn=do_echo)
    s = sub.add_parser("concurrent")
    s.add_argument("addr")
    s.add_argument("clients", type=int)
    s.add_argument("calls", type=int)
    s.set_defaults(fn=do_concurrent)
    s = sub.add_parser("batch")
    s.add_argument("dir")
    s.add_argument("file")
    s.set_defaults(fn=do_batch)
    args = p.parse_args(argv)
    try:
        return args.fn(args)
    except grpc.RpcError as e:
        print(f"{PROG}: {e.code().name}: {e.details()}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
