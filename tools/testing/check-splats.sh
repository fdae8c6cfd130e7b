#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-splats.sh FILE...: scan kernel logs (serial console capture or dmesg)
# for splats. Exit 0 if clean, 1 if a splat or a bad taint is found (the
# offending lines are printed), 2 on usage or read errors.
#
# Taint: the guest harness logs "fastipc-vm: taint-before=N" and
# "fastipc-vm: taint-after=N". Taint bits that appeared during the run are
# an error, except O (out-of-tree module) and E (unsigned module), which
# loading fastipc.ko always sets. A "Tainted:" line in a splat is caught by
# the splat patterns themselves.
#
# FASTIPC_SPLAT_IGNORE: optional extended regex; matching lines are ignored.
set -uo pipefail

if [ $# -eq 0 ]; then
	echo "usage: $0 FILE..." >&2
	exit 2
fi

PATTERNS=(
	'BUG:'
	'WARNING:'
	'Oops'
	'KASAN'
	'UBSAN'
	'kernel BUG'
	'general protection fault'
	'possible recursive locking'
	'circular locking'
	'lockdep'
	'inconsistent lock state'
	'suspicious RCU usage'
	'sleeping function called from invalid context'
	'blocked for more than [0-9]+ seconds'
	'Kernel panic'
	'soft lockup'
	'hard LOCKUP'
	'detected stalls? on CPU'
	'self-detected stall'
	'unreferenced object'
	'Call Trace:'
	'list_(add|del) corruption'
	'refcount_t: '
)
# Boot messages of the debug kernel (tools/testing/debug-kernel.sh) that
# match a pattern above but report nothing.
BENIGN=(
	'rcu:[[:space:]]+RCU lockdep checking is enabled'
)
# Taint letters by bit number (kernel/panic.c); O and E are expected.
TAINT_LETTERS=PFSRMBUDAWCIOELKXT
TAINT_OK=$(( (1 << 12) | (1 << 13) ))

regex=$(IFS='|'; echo "${PATTERNS[*]}")
benign=$(IFS='|'; echo "${BENIGN[*]}")
status=0

taint_letters()
{
	local v=$1 i out=
	for ((i = 0; i < ${#TAINT_LETTERS}; i++)); do
		(( v & (1 << i) )) && out+=${TAINT_LETTERS:i:1}
	done
	(( v >> ${#TAINT_LETTERS} )) && out+="+bits>=${#TAINT_LETTERS}"
	echo "$out"
}

check_taint()
{
	local f=$1 before after new bad
	before=$(sed -n 's/.*fastipc-vm: taint-before=\([0-9]*\).*/\1/p' "$f" | tail -n1)
	after=$(sed -n 's/.*fastipc-vm: taint-after=\([0-9]*\).*/\1/p' "$f" | tail -n1)
	[ -n "$after" ] || return 0
	new=$(( after & ~${before:-0} ))
	bad=$(( new & ~TAINT_OK ))
	if (( bad )); then
		echo "check-splats: $f: kernel taint appeared during the run:" \
			"$(taint_letters "$bad") (taint-before=${before:-0}" \
			"taint-after=$after)"
		return 1
	fi
	return 0
}

for f in "$@"; do
	if [ ! -r "$f" ]; then
		echo "check-splats: error: cannot read $f" >&2
		status=2
		continue
	fi
	# Serial captures contain \r; strip them before matching.
	hits=$(tr -d '\r' <"$f" | grep -a -n -E -e "$regex" || true)
	if [ -n "$hits" ]; then
		hits=$(printf '%s\n' "$hits" | grep -a -v -E -e "$benign" || true)
	fi
	if [ -n "${FASTIPC_SPLAT_IGNORE:-}" ] && [ -n "$hits" ]; then
		hits=$(printf '%s\n' "$hits" | grep -a -v -E -e "$FASTIPC_SPLAT_IGNORE" || true)
	fi
	if [ -n "$hits" ]; then
		n=$(printf '%s\n' "$hits" | wc -l)
		echo "check-splats: $f: $n suspicious kernel log line(s):"
		printf '%s\n' "$hits" | head -n 40 | sed 's/^/  /'
		[ "$status" -eq 2 ] || status=1
	fi
	if ! check_taint "$f"; then
		[ "$status" -eq 2 ] || status=1
	fi
done
exit "$status"
