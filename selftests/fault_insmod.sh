#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Load fastipc.ko with allocation failures injected, repeatedly (the
# module-init example of Documentation/fault-injection): each load fails
# the n-th fault site of finit_module() (fail-nth, through fault_load), for
# the last FASTIPC_INSMOD_FAULTS sites of a load (default 120: the end of
# the kernel's load path, module sysfs, fastipc's init and what follows
# it; 8-15% fail the load in the debug guest, the rest are tolerated). A
# load that fails must leave no /dev/fastipc, no /sys/module/fastipc and
# no "fastipc" generic netlink family; one that succeeds despite the fault
# must unload. Then a plain insmod and rmmod work. Leaks: the guest harness
# scans kmemleak after the suite, which runs this last.
#
# Runs with the module NOT loaded (run_kselftests.sh calls it after its
# final rmmod) and as root; TAP output. Skips without fail-nth (Debian's
# kernel) or when the module is loaded. About 0.4 s per load in the
# debug guest (TCG, KASAN). The first sites of a load are its vmalloc()s,
# whose failure vmalloc reports with a stack dump (a splat to the guest
# harness): keep FASTIPC_INSMOD_FAULTS well below the site count.
#
# Environment: FASTIPC_KO (module, default kmod/fastipc.ko),
# FASTIPC_TEST_BIN (where fault_load is built, default this directory),
# FASTIPC_INSMOD_FAULTS.

set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
ko=${FASTIPC_KO:-$top/kmod/fastipc.ko}
load=${FASTIPC_TEST_BIN:-$here}/fault_load
nfaults=${FASTIPC_INSMOD_FAULTS:-120}

echo "TAP version 13"

skip_all() {
	echo "1..0 # SKIP $*"
	exit 4
}

is_loaded() {
	[ -e /sys/module/fastipc ]
}

[ -w /proc/self/fail-nth ] ||
	skip_all "no fail-nth (kernel without CONFIG_FAULT_INJECTION)"
[ -w /sys/kernel/debug/failslab/ignore-gfp-wait ] ||
	skip_all "no /sys/kernel/debug/failslab (debugfs or FAILSLAB missing)"
is_loaded && skip_all "fastipc is loaded (run this with the module unloaded)"
[ -x "$load" ] || { echo "1..1"; echo "not ok 1 - $load not built"; exit 1; }
[ -r "$ko" ] || { echo "1..1"; echo "not ok 1 - cannot read $ko"; exit 1; }

echo "1..3"
failed=0

# 1: count the fault sites of a clean load (which unloads again).
set -- $("$load" "$ko" 1000000000)
if [ "${2:-}" != 0 ] || [ "${3:-}" != 0 ] || [ "${6:-}" != ok ]; then
	echo "not ok 1 - clean load with fail-nth armed beyond the end: ${*:-no result}"
	exit 1
fi
sites=$((1000000000 - $4))
echo "ok 1 - a load reaches $sites fault sites"

# 2: fail each of the last $nfaults sites, one load each.
first=$((sites - nfaults + 1))
[ "$first" -ge 1 ] || first=1
nfail=0
nok=0
bad=
out=$("$load" "$ko" $(seq "$sites" -1 "$first")) || bad=" fault_load failed"
while read -r n res inj left rest unload; do
	echo "# site $n: $res injected=$inj left=$left left-behind=$rest unload=$unload"
	case $res:$inj:$rest:$unload in
	0:*:-:ok) nok=$((nok + 1)) ;;
	ENOMEM:1:-:-|EFAULT:1:-:-) nfail=$((nfail + 1)) ;;
	*)	bad="$bad $n:$res:$inj:$rest:$unload" ;;
	esac
done <<EOF
$out
EOF
[ $((nfail + nok)) -eq $((sites - first + 1)) ] ||
	bad="$bad (only $((nfail + nok)) of $((sites - first + 1)) sites passed)"
is_loaded && rmmod fastipc
if [ -z "$bad" ]; then
	echo "ok 2 - faults at sites $first..$sites: $nfail loads failed cleanly, $nok succeeded and unloaded"
else
	echo "not ok 2 - faults at sites $first..$sites (site:error:injected:left behind:unload):$bad"
	failed=1
fi

# 3: the module still loads and unloads.
if insmod "$ko" && [ -c /dev/fastipc ] && rmmod fastipc && ! is_loaded &&
	[ ! -e /dev/fastipc ]; then
	echo "ok 3 - insmod and rmmod after the faults"
else
	echo "not ok 3 - insmod and rmmod after the faults"
	failed=1
fi
exit "$failed"
