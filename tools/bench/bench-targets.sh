# SPDX-License-Identifier: GPL-2.0
#
# bench-targets.sh: sourced by the bench-*-targets.sh scripts, after they
# set ME (their name, for messages): the checks of their one argument,
# RESULTS.JSONL, and of their awk library, bench-targets.awk, whose path
# it leaves in LIB. Exit statuses, the same for every script: 2 for bad
# usage, 1 with a message when a file cannot be read or the results have
# none of the script's mechanisms.

# targets_args "$@": one readable RESULTS.JSONL, and the awk library.
targets_args()
{
	[ $# -eq 1 ] || { echo "usage: $0 RESULTS.JSONL" >&2; exit 2; }
	[ -r "$1" ] || { echo "$ME: error: cannot read $1" >&2; exit 1; }
	LIB=$(dirname "$0")/bench-targets.awk
	[ -r "$LIB" ] || { echo "$ME: error: cannot read $LIB" >&2; exit 1; }
}

# targets_need FILE MECH_RE PAIRS_RE WHAT: FILE has a result that succeeded
# of a mechanism matching MECH_RE (ERE) at PAIRS_RE pairs, else exit 1
# saying which (WHAT: the mechanisms to run, in words).
targets_need()
{
	grep -qE "\"mechanism\":\"($2)\",.*\"pairs\":$3,\"status\":\"ok\"" \
		"$1" && return 0
	echo "$ME: error: $1 has no result of $4" >&2
	exit 1
}
