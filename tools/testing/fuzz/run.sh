#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [SECONDS] [SEED]: run fastipc-fuzz as root inside the test guest.
#
#	tools/testing/vm/run-guest.sh -- sh tools/testing/fuzz/run.sh 60
#
# Loads kmod/fastipc.ko (unless already loaded), runs the fuzzer for
# SECONDS (default 60) with SEED (default: the fuzzer picks one and prints
# it), then checks that every process is gone, that the kernel log shows no
# splat, and that `rmmod fastipc` succeeds (the module WARNs at unload if
# an object leaked). Prints TAP-ish lines and "N passed, N failed"; exits
# non-zero if anything failed. The guest harness also fails the run on any
# splat or hung task in the console log.
#
# Half the workers run as nobody (uid 65534). With FASTIPC_FUZZ_FAULTS=N
# and a kernel with fault injection (the debug kernel: /proc/self/fail-nth),
# failslab and fail_page_alloc are set to fail sleeping allocations too and
# to stay quiet, and each fuzzer thread arms its fail-nth before one
# operation in N.
#
# Environment: FASTIPC_KO (module path), FASTIPC_FUZZ_BIN (the fuzzer),
# FASTIPC_FUZZ_ARGS (more fuzzer options, e.g. "-p 8 -j 4 -n 1000000"),
# FASTIPC_FUZZ_FAULTS (see above).

set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
ko=${FASTIPC_KO:-$top/kmod/fastipc.ko}
bin=${FASTIPC_FUZZ_BIN:-$here/fastipc-fuzz}
secs=${1:-60}
seed=${2:-}
passed=0
failed=0

ok() {
	echo "ok - $*"
	passed=$((passed + 1))
}

not_ok() {
	echo "not ok - $*"
	failed=$((failed + 1))
}

summary() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

case $secs in
''|*[!0-9]*) echo "usage: $0 [SECONDS] [SEED]" >&2; exit 2 ;;
esac
if [ ! -x "$bin" ]; then
	not_ok "fuzzer $bin not built (make -C tools/testing/fuzz)"
	summary
fi

if ! grep -q '^fastipc ' /proc/modules; then
	if insmod "$ko"; then
		ok "insmod $ko"
	else
		not_ok "insmod $ko failed"
		summary
	fi
fi
i=0
while [ ! -c /dev/fastipc ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done

# Fault injection: fail-nth only ever fails the task that armed it, but
# failslab and fail_page_alloc skip sleeping allocations by default, and
# every injected fault logs a stack trace unless verbose is 0.
faults=${FASTIPC_FUZZ_FAULTS:-}
fault_args=
if [ -n "$faults" ]; then
	dbg=/sys/kernel/debug
	[ -d $dbg/failslab ] || mount -t debugfs none $dbg 2>/dev/null
	if [ -e /proc/self/fail-nth ] && [ -d $dbg/failslab ]; then
		for f in failslab fail_page_alloc fail_usercopy; do
			[ -d $dbg/$f ] || continue
			echo 0 >$dbg/$f/verbose
			[ -e $dbg/$f/ignore-gfp-wait ] &&
				echo N >$dbg/$f/ignore-gfp-wait
		done
		fault_args="-f $faults"
		ok "fault injection: fail-nth armed before 1 operation in $faults"
	else
		not_ok "FASTIPC_FUZZ_FAULTS=$faults but the kernel has no fail-nth or failslab"
	fi
fi

log=$(mktemp "${TMPDIR:-/tmp}/fastipc-fuzz.XXXXXX") || exit 1
dmesg_log=$(mktemp "${TMPDIR:-/tmp}/fastipc-fuzz-dmesg.XXXXXX") || exit 1
trap 'rm -f "$log" "$dmesg_log"' EXIT
echo "fastipc-fuzz: start ${secs}s ${seed:+seed $seed}" >/dev/kmsg 2>/dev/null

# To a file, not a pipe: a stray child must not hang the runner. The
# fuzzer bounds itself; timeout is the backstop (its own grace is 150s+).
start=$(date +%s)
# shellcheck disable=SC2086 # FASTIPC_FUZZ_ARGS is a list of options
timeout -k 10 $((secs + 400)) "$bin" -t "$secs" ${seed:+-s "$seed"} \
	-u 65534 $fault_args ${FASTIPC_FUZZ_ARGS:-} >"$log" 2>&1
rc=$?
end=$(date +%s)
cat "$log"
used=$(sed -n 's/^seed \([0-9]*\)$/\1/p' "$log" | head -n1)
if [ "$rc" -eq 0 ]; then
	ok "fastipc-fuzz ran to the end (seed ${used:-?}, $((end - start))s)"
else
	not_ok "fastipc-fuzz exited with status $rc (seed ${used:-?}, $((end - start))s)"
fi

# Every fuzzer process must be gone (a task stuck in the kernel is not).
left=
i=0
while [ $i -lt 100 ]; do
	left=$(ps -eo pid=,comm= 2>/dev/null | awk '$2 == "fastipc-fuzz" { print $1 }')
	[ -z "$left" ] && break
	sleep 0.1
	i=$((i + 1))
done
if [ -z "$left" ]; then
	ok "no fuzzer process left"
else
	not_ok "fuzzer processes still alive: $(echo $left)"
	for p in $left; do
		echo "# pid $p: $(cat /proc/$p/stat 2>/dev/null)"
		sed 's/^/#   /' /proc/$p/stack 2>/dev/null
	done
fi

echo "fastipc-fuzz: end" >/dev/kmsg 2>/dev/null
dmesg >"$dmesg_log" 2>/dev/null
if "$top/tools/testing/check-splats.sh" "$dmesg_log" >"$log" 2>&1; then
	ok "no kernel splat in dmesg"
else
	not_ok "kernel splat in dmesg (seed ${used:-?})"
	sed 's/^/# /' "$log"
fi

i=0
until rmmod fastipc 2>"$log"; do
	i=$((i + 1))
	if [ $i -ge 50 ]; then
		break
	fi
	sleep 0.2
done
if [ $i -lt 50 ]; then
	ok "rmmod fastipc"
else
	not_ok "rmmod fastipc: $(cat "$log")"
fi
if dmesg | grep -q 'fastipc: leaked'; then
	not_ok "objects leaked: $(dmesg | grep 'fastipc: leaked' | tail -n1)"
else
	ok "no leaked objects at unload"
fi
summary
