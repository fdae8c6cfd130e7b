# SPDX-License-Identifier: GPL-2.0
#
# host_tap.sh NAME: sourced by the *_host.sh tests (bash). Sets top (the
# tree), version (VERSION's contents) and tmp (a scratch directory,
# fastipc-NAME.XXXXXX, removed on exit), and defines ok and nok, which
# print numbered TAP lines and count failures in $fails.
top=$(cd "$(dirname "$0")/.." && pwd)
version=$(cat "$top/VERSION")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fastipc-$1.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0
ok()	{ n=$((n + 1)); echo "ok $n - $*"; }
nok()	{ n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }
