#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# modload_test.sh: the module's lifecycle under load (reliability checklist
# case 49). Run as root where nobody else uses fastipc.ko (after
# run_kselftests.sh's final rmmod, or alone in a guest):
#
#	sh selftests/modload_test.sh
#
#  1. rmmod is refused while one reference of each kind exists (an open
#     fd, a region mapping alone, a region fd alone, an epoll registration,
#     a thread asleep in RECV, one asleep in WAIT), and succeeds once its
#     holder is gone.
#  2. ROUNDS times: insmod, a server and a client calling it, rmmod
#     refused during the calls, rmmod succeeds after; no /dev/fastipc left.
#  3. No kernel report in the log since the start.
#
# insmod with allocation failures (case 50) is fault_insmod.sh's.
#
# Prints TAP; exits 0 if all passed, 1 if any failed, 4 if skipped.
# Environment: FASTIPC_TEST_BIN (fipc_helper, modload_hold; default this
# directory), FASTIPC_KO (the module), FASTIPC_MODLOAD_ROUNDS (5; a round
# takes ~20 s in the TCG guest, ~40 s with the debug kernel).

set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
bin=${FASTIPC_TEST_BIN:-$here}
ko=${FASTIPC_KO:-$top/kmod/fastipc.ko}
rounds=${FASTIPC_MODLOAD_ROUNDS:-5}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/modload.XXXXXX") || exit 1
n=0
nfail=0
holder=

cleanup() {
	[ -n "$holder" ] && kill -9 "$holder" 2>/dev/null && wait "$holder" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}

not_ok() {
	n=$((n + 1))
	nfail=$((nfail + 1))
	echo "not ok $n - $*"
}

# check DESCRIPTION COMMAND...: ok if COMMAND succeeds.
check() {
	d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 4
}

loaded() {
	grep -q '^fastipc ' /proc/modules
}

# Unload, retrying briefly: the last fput of an exiting holder is async.
unload() {
	i=0
	while ! rmmod fastipc 2>/dev/null; do
		i=$((i + 1))
		[ $i -ge 20 ] && return 1
		sleep 0.1
	done
	! loaded && [ ! -e /dev/fastipc ] && [ ! -e /sys/class/misc/fastipc ]
}

load() {
	insmod "$ko" || return 1
	i=0
	while [ ! -c /dev/fastipc ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -c /dev/fastipc ]
}

# rmmod must fail and leave the module loaded.
refused() {
	! rmmod fastipc 2>/dev/null && loaded && [ -c /dev/fastipc ]
}

# Wait (10 s at most) until FILE has a line LINE.
wait_line() {
	i=0
	while ! grep -qx "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -ge 100 ] && return 1
		sleep 0.1
	done
}

[ "$(id -u)" -eq 0 ] || skip_all "needs root (insmod/rmmod)"
for p in fipc_helper modload_hold; do
	[ -x "$bin/$p" ] || { echo "not ok 1 - $bin/$p not built"; exit 1; }
done
[ -r "$ko" ] || { echo "not ok 1 - $ko missing"; exit 1; }
if loaded && ! rmmod fastipc 2>/dev/null; then
	skip_all "fastipc.ko is loaded and in use by someone else"
fi
marker="modload_test: start $$"
echo "$marker" > /dev/kmsg

# ---- 1: each kind of reference holds the module ----
for kind in fd map regionfd epoll recv wait; do
	if ! load; then
		not_ok "hold $kind: insmod $ko"
		continue
	fi
	"$bin/modload_hold" "$kind" > "$tmp/hold" 2>&1 &
	holder=$!
	if wait_line "$tmp/hold" ready; then
		sleep 0.2
		check "rmmod refused while held by: $kind" refused
	else
		not_ok "hold $kind: holder not ready: $(cat "$tmp/hold")"
	fi
	kill -9 "$holder"
	wait "$holder" 2>/dev/null
	holder=
	check "rmmod after the $kind holder exited" unload
done

# ---- 2: insmod/rmmod under load ----
round_ok=0
r=0
while [ $r -lt "$rounds" ]; do
	r=$((r + 1))
	name=modload.$$.$r
	load || { not_ok "round $r: insmod"; break; }
	"$bin/fipc_helper" serve "$name" > "$tmp/srv" 2>&1 &
	holder=$!
	wait_line "$tmp/srv" ready || { not_ok "round $r: server not ready"; break; }
	"$bin/fipc_helper" call "$name" 200 -o 50 > "$tmp/cli" 2>&1 &
	cli=$!
	refused || { not_ok "round $r: rmmod not refused under load"; break; }
	wait "$cli" || { not_ok "round $r: calls failed: $(cat "$tmp/cli")"; break; }
	refused || { not_ok "round $r: rmmod not refused with a server"; break; }
	kill -TERM "$holder"
	wait "$holder"
	holder=
	unload || { not_ok "round $r: rmmod after the load"; break; }
	round_ok=$((round_ok + 1))
done
[ "$round_ok" -eq "$rounds" ] && ok "$rounds insmod/rmmod rounds under load"

# ---- 3: nothing in the kernel log ----
dmesg | sed -n "/$marker/,\$p" > "$tmp/dmesg"
if bash "$top/tools/testing/check-splats.sh" "$tmp/dmesg" > "$tmp/splats" 2>&1; then
	ok "no kernel report"
else
	sed 's/^/# /' "$tmp/splats"
	not_ok "kernel report during modload_test"
fi

echo "1..$n"
[ "$nfail" -eq 0 ]
