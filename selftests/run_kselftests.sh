#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run every fastipc kselftest, as root, inside the test guest (or any
# machine that can load the module):
#
#	sh selftests/run_kselftests.sh
#
# Loads kmod/fastipc.ko unless already loaded, runs each test program with a
# timeout, prints their TAP output, checks that `rmmod fastipc` succeeds
# afterwards, then runs the tests that load the module themselves
# (fault_insmod.sh), and ends with "N passed, N failed, N skipped". Exits
# non-zero if anything failed.
#
# Timeouts are sized from the machine, not fixed: before the tests (and
# again before each program) a fixed workload of shell arithmetic and
# process starts is timed against REF_MS, about what it takes in the
# Debian guest under TCG on an idle host. The slowdown, rounded up and
# between 1 and SCALE_MAX, multiplies each program's base timeout
# (FASTIPC_TEST_TIMEOUT, default 120 s; tools_test.sh 400 s) and, through
# FASTIPC_TIMEOUT_SCALE, the kselftest harness's per-test timeouts (fastipc_util.c's alarm()). So a
# debug kernel or a loaded host gets proportionally longer limits instead
# of random failures.
#
# Environment: FASTIPC_TEST_BIN (directory of the test programs, default
# this directory), FASTIPC_KO (module path), FASTIPC_TEST_TIMEOUT (base
# seconds per program, default 120), FASTIPC_TIMEOUT_SCALE (the slowdown,
# instead of measuring it), FASTIPC_TESTS (programs to run),
# FASTIPC_TESTS_EXCLUDE (programs not to run, each reported as skipped).

set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
bin=${FASTIPC_TEST_BIN:-$here}
ko=${FASTIPC_KO:-$top/kmod/fastipc.ko}
tmo=${FASTIPC_TEST_TIMEOUT:-120}
# Scale 1's time for work_ms's workload: a bit under the ~800 ms it takes
# in the Debian TCG guest on an idle 2-CPU host (measured at host loads of
# 8 to 13, where it took 3.4 to 4.9 s, about in proportion), so an idle
# guest gets scale 2 and the debug kernel, ~4 times slower, about 5 (2.7 s
# measured; 4.9 s, scale 9, on a slower 2-CPU machine). And the largest
# scale: beyond, run-guest.sh's limit for the whole run ends it anyway.
REF_MS=600
SCALE_MAX=20
all_tests="api_test chan_test call_test wait_test death_test perm_test abuse_test ptr_test
	region_test region_mm_test desc_test doorbell_test shm_call_test ns_test userns_test event_test
	limits_test close_race_test memcg_test flood_test spin_test fault_test wake_order_test
	libserve_test libcall_test libapi_test acct_test chanctl_test need_test async_test
	libcall2_test libserve2_test libasync_test libstop_test callpath_test slot_test
	libserve2_room_test
	rpc_status_test rpc_transport_test rpc_size_test rpc_hostile_test rpc_bind_test
	rpc_badserver_test rpc_generic_test rpc_ring_test oncrpc_test
	oncrpc_example_test.sh
	tools_test.sh examples_test.sh ../tools/bench/bench-check.sh fault_insmod.sh
	call_tool_test.sh grpc_gateway_test.sh
	modload_test.sh"
# Tests that load the module themselves: run after the final rmmod.
unloaded_tests="fault_insmod.sh modload_test.sh"
tests=${FASTIPC_TESTS:-$all_tests}
excluded=
if [ -n "${FASTIPC_TESTS_EXCLUDE:-}" ]; then
	keep=
	for t in $tests; do
		case " $FASTIPC_TESTS_EXCLUDE " in
		*" $t "*) excluded="$excluded $t" ;;
		*) keep="$keep $t" ;;
		esac
	done
	tests=$keep
fi

log=$(mktemp "${TMPDIR:-/tmp}/fastipc-ksft.XXXXXX") || exit 1
trap 'rm -f "$log" "$log.counts"' EXIT
passed=0
failed=0
skipped=0

summary() {
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
	exit $?
}

is_loaded() {
	grep -q '^fastipc ' /proc/modules 2>/dev/null
}

if ! is_loaded; then
	if ! insmod "$ko"; then
		echo "not ok - insmod $ko failed"
		failed=$((failed + 1))
		summary
	fi
fi
i=0
while [ ! -c /dev/fastipc ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done

# now_ms: $ms_now, milliseconds since boot (10 ms steps), read without
# starting a process: a process start costs about 0.45 s in the debug
# guest (its reference work below is 5 of them), and the runner's own
# starts before and after each program added minutes to its run.
now_ms() {
	read -r up _ </proc/uptime
	ms_now=$((${up%.*} * 1000 + (1${up#*.} - 100) * 10))
}

# work_ms: the milliseconds a fixed workload takes here.
work_ms() {
	now_ms
	t0=$ms_now
	k=0
	while [ $k -lt 1000 ]; do k=$((k + 1)); done
	k=0
	while [ $k -lt 5 ]; do /bin/true; k=$((k + 1)); done
	now_ms
	echo $((ms_now - t0))
}

# scale_of MS: the slowdown against REF_MS, rounded up, 1 to SCALE_MAX.
scale_of() {
	sc=$((($1 + REF_MS - 1) / REF_MS))
	[ "$sc" -ge 1 ] || sc=1
	[ "$sc" -le "$SCALE_MAX" ] || sc=$SCALE_MAX
	echo "$sc"
}

# Measured now and again before a program once REMEASURE_MS have passed
# since the last measurement (the host's load changes over minutes, and
# each measurement costs the workload: 3 s a program in the debug guest):
# the larger of the first and the last counts.
REMEASURE_MS=60000
if [ -n "${FASTIPC_TIMEOUT_SCALE:-}" ]; then
	scale0=$FASTIPC_TIMEOUT_SCALE
	echo "# timeout scale $scale0 (FASTIPC_TIMEOUT_SCALE)"
else
	ms0=$(work_ms)
	scale0=$(scale_of "$ms0")
	echo "# timeout scale $scale0 (reference work: $ms0 ms here, ${REF_MS} ms at scale 1)"
fi
[ "$scale0" -ge 1 ] 2>/dev/null || scale0=1
scale_last=$scale0
now_ms
scale_at=$ms_now

# set_scale: $scale, the timeout scale for the next program.
set_scale() {
	now_ms
	if [ -z "${FASTIPC_TIMEOUT_SCALE:-}" ] &&
	   [ $((ms_now - scale_at)) -ge $REMEASURE_MS ]; then
		ms=$(work_ms)
		scale_last=$(scale_of "$ms")
		now_ms
		scale_at=$ms_now
		echo "# timeout scale $scale_last measured again (reference work: $ms ms)"
	fi
	scale=$scale0
	[ "$scale_last" -le "$scale" ] || scale=$scale_last
}

run_one() {
	t=$1
	echo "# ==== $t"
	# Scripts (TEST_PROGS) live here; programs are built into $bin.
	tbin=$bin
	ttmo=$tmo
	case $t in *.sh) tbin=$here ;; esac
	# tools_test.sh starts ~300 processes (tools, helpers): slow under TCG.
	case $t in tools_test.sh) [ "$ttmo" -ge 400 ] || ttmo=400 ;; esac
	set_scale
	ttmo=$((ttmo * scale))
	if [ ! -x "$tbin/$t" ]; then
		echo "not ok - $t: $tbin/$t not built"
		failed=$((failed + 1))
		return
	fi
	now_ms
	t_start=$ms_now
	# To a file, not a pipe: a stray child must not hang the runner.
	(cd "$tbin" && FASTIPC_TEST_BIN=$bin FASTIPC_KO=$ko \
		FASTIPC_TIMEOUT_SCALE=$scale timeout -k 5 "$ttmo" "./$t") \
		>"$log" 2>&1
	rc=$?
	# The output and its counts in one process (see now_ms).
	awk -v counts="$log.counts" '{ print }
		/^ok / { if (/# SKIP/) s++; else p++ }
		/^not ok / { f++ }
		END { print p + 0, f + 0, s + 0 > counts }' "$log"
	read -r p f s <"$log.counts" ||
		{ echo "not ok - $t: its results were not counted"; p=0 f=1 s=0; }
	passed=$((passed + p))
	skipped=$((skipped + s))
	failed=$((failed + f))
	case $rc in
	0)	;;
	4)	[ "$p$s$f" = "000" ] && skipped=$((skipped + 1)) ;;
	124|137) echo "not ok - $t: timed out after ${ttmo}s (scale $scale)"
		failed=$((failed + 1)) ;;
	*)	if [ "$f" -eq 0 ]; then
			echo "not ok - $t: exit status $rc without a failed test"
			failed=$((failed + 1))
		fi ;;
	esac
	now_ms
	echo "# $t: exit $rc, $p passed, $f failed, $s skipped in $(((ms_now - t_start) / 1000))s (limit ${ttmo}s)"
}

for t in $excluded; do
	echo "ok - $t # SKIP excluded (FASTIPC_TESTS_EXCLUDE)"
	skipped=$((skipped + 1))
done
for t in $tests; do
	case " $unloaded_tests " in *" $t "*) continue ;; esac
	run_one "$t"
done

# libfastipc's own guest test (lib/tests/shm_smoke): calls through shared
# memory across the threshold, concurrent calls on one connection,
# abandoned records, zero-copy calls, streams and peer death. Not TAP: one
# result. Skipped when a subset of tests was asked for.
smoke=${FASTIPC_LIB_SMOKE:-$top/lib/tests/shm_smoke}
if [ -z "${FASTIPC_TESTS:-}" ]; then
	echo "# ==== lib/tests/shm_smoke"
	if [ ! -x "$smoke" ]; then
		echo "not ok - shm_smoke: $smoke not built (make -C lib/tests guest)"
		failed=$((failed + 1))
	elif timeout -k 5 $((tmo * scale0)) "$smoke" >"$log" 2>&1; then
		sed 's/^/# /' "$log"
		echo "ok - lib/tests/shm_smoke"
		passed=$((passed + 1))
	else
		sed 's/^/# /' "$log"
		echo "not ok - lib/tests/shm_smoke failed"
		failed=$((failed + 1))
	fi
fi

# Every fd is closed now: the module must unload.
if rmmod fastipc; then
	echo "ok - rmmod fastipc"
	passed=$((passed + 1))
else
	echo "not ok - rmmod fastipc failed"
	failed=$((failed + 1))
fi
for t in $tests; do
	case " $unloaded_tests " in *" $t "*) is_loaded || run_one "$t" ;; esac
done
summary
