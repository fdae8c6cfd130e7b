#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build_host.sh: host test (TAP 13) that `make` builds the library, the
# tools and the examples on a machine without the running kernel's
# headers and without the linux-source tarball, and names the packages
# that provide what it skipped. A copy of the tree is built in a scratch
# directory with MODULES_DIR pointing at an empty directory (no kernel
# build tree is found) and LINUX_SRC_TAR at a missing file:
#   - plain `make` succeeds, builds lib/ tools/ examples/ and man pages,
#     builds no module and no selftest, and names linux-headers-<uname -r>
#     and linux-source-6.1 (and never says "run make deps");
#   - `make KVER=<none>` (the README's command) fails after building the
#     rest, naming linux-headers-<none>; `make module KVER=<none>` too.
# No root, no module; the build runs with -j2.
set -u

. "$(dirname "$0")/host_tap.sh" build
src=$tmp/src
nokver=0.0.0-fastipc-none
# check DESCRIPTION COMMAND...
check()	{ d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }
# The sources only: tracked and untracked files git does not ignore.
copy_tree()
{
	mkdir -p "$src" || return 1
	if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$top" && git ls-files -z -co --exclude-standard |
			tar --null --ignore-failed-read -T - -cf - 2>/dev/null) |
			tar -C "$src" -xf -
	else
		tar -C "$top" --exclude=./build --exclude='*.o' --exclude='*.a' \
			--exclude='*.so*' --exclude='*.ko' -cf - . | tar -C "$src" -xf -
	fi
}
# The make arguments of a machine without headers and linux-source; the
# make running this test (make host-tests) exports KVER and MAKEFLAGS.
bare=(MODULES_DIR="$tmp/no-modules" LINUX_SRC_TAR="$tmp/no-linux-source.tar.xz")
make()
{
	env -u KVER -u KDIR -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make "$@"
}

echo "TAP version 13"
echo "1..9"
mkdir -p "$tmp/no-modules"
check "copy of the sources" copy_tree

st=0
make -C "$src" -j2 "${bare[@]}" >"$tmp/all.log" 2>&1 || st=$?
if [ "$st" -eq 0 ]; then ok "make without kernel headers and linux-source: status 0"
else tail -n 30 "$tmp/all.log" | sed 's/^/# /'; nok "make without kernel headers and linux-source: status $st"; fi

built()
{
	local f
	for f in lib/libfastipc.so.0 lib/libfastipc.a lib/fastipc-uninstalled.pc \
		tools/fastipc-hash/fastipc-hashd tools/fastipc-stat/fastipc-stat \
		tools/fastipcctl/fastipcctl examples/kv-server examples/kv-client \
		build/man/man3/libfastipc.3; do
		[ -e "$src/$f" ] || { echo "# $f not built"; return 1; }
	done
}
check "lib/, tools/, examples/ and the man pages are built" built
check "no module and no selftest built (nothing to build them with)" \
	test ! -e "$src/kmod/fastipc.ko" -a ! -e "$src/selftests/api_test"
check "the module is skipped naming linux-headers-$(uname -r)" \
	grep -q "skipped the module.*linux-headers-$(uname -r)" "$tmp/all.log"
check "the selftests are skipped naming linux-source-6.1" \
	grep -q "skipped the selftests.*install the package linux-source-6.1" "$tmp/all.log"

st=0
make -C "$src" -j2 "${bare[@]}" KVER=$nokver >"$tmp/kver.log" 2>&1 || st=$?
if [ "$st" -ne 0 ] && grep -q "error: .*install the package linux-headers-$nokver" "$tmp/kver.log"; then
	ok "make KVER=$nokver fails naming linux-headers-$nokver"
else
	sed 's/^/# /' "$tmp/kver.log" | tail -n 20
	nok "make KVER=$nokver fails naming linux-headers-$nokver (status $st)"
fi

st=0
make -C "$src" "${bare[@]}" KVER=$nokver module >"$tmp/module.log" 2>&1 || st=$?
if [ "$st" -ne 0 ] && grep -q "install the package linux-headers-$nokver" "$tmp/module.log"; then
	ok "make module KVER=$nokver fails naming linux-headers-$nokver"
else
	sed 's/^/# /' "$tmp/module.log" | tail -n 20
	nok "make module KVER=$nokver fails naming linux-headers-$nokver (status $st)"
fi

if grep -q "make deps" "$tmp/all.log" "$tmp/kver.log" "$tmp/module.log"; then
	nok "no message says \"run make deps\" (it installs a whole test setup)"
else
	ok "no message says \"run make deps\""
fi

[ "$fails" -eq 0 ]
