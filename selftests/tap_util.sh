# SPDX-License-Identifier: GPL-2.0
#
# TAP helpers the shell selftests share; source it after setting $here:
#	. "$here/tap_util.sh"
# The caller keeps the counters n (tests run) and fails (tests failed),
# both 0 at the start. Its own skip() stays its own (two formats exist).
#
# ok DESC / nok DESC: one result line; nok counts a failure.
# diag FILE...: the files' lines as TAP comments.
# skip_all REASON: "1..0 # SKIP REASON" and exit 4 (kselftest's skip).
# need_prog FILE...: skip_all unless each FILE is executable ("not built").
# need_file FILE...: the same for files that need only exist.
# need_dev [root]: skip_all unless /dev/fastipc exists (and, with "root",
#	the test runs as root).

KSFT_SKIP=4

ok()	{ n=$((n + 1)); echo "ok $n - $*"; }
nok()	{ n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }
diag()	{ sed 's/^/# /' "$@"; }

skip_all()
{
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

need_prog()
{
	for f in "$@"; do
		[ -x "$f" ] || skip_all "$f not built"
	done
}

need_file()
{
	for f in "$@"; do
		[ -e "$f" ] || skip_all "$f not built"
	done
}

need_dev()
{
	if [ "${1:-}" = root ]; then
		{ [ -c /dev/fastipc ] && [ "$(id -u)" -eq 0 ]; } ||
			skip_all "needs root and the fastipc module loaded"
	else
		[ -c /dev/fastipc ] || skip_all "the fastipc module is not loaded"
	fi
}
