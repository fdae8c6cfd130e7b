#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Packaging test, run on the HOST (TAP): `make install-check`, part of
# `make check` before the guest tests.
#
#  1. `make install DESTDIR=$tmp PREFIX=/usr`, then the tree: module and
#     depmod files, library with soname links, .a, fastipc.pc, headers,
#     tools, man pages (one per exported function, rendering without
#     groff warnings), udev rule; `make uninstall` empties it again.
#  2. A consumer built against the installed fastipc.pc (shared and
#     static) prints fastipc_version(): it must be ./VERSION, as must the
#     module's `modinfo -F version`.
#  3. DKMS (root): `dkms add` of the module sources (`make dkms-src` into a
#     scratch dir, as from a clone), `dkms build` and `dkms install` for
#     $KVER against the installed headers; `dkms status` and the built
#     module's version; the guest then modprobes the DKMS-installed module
#     (the guest shares the host root); finally `dkms remove --all` and the
#     /usr/src copy are removed. A fastipc/VERSION registered by someone
#     else (no marker of this test) is left alone and the DKMS part skipped.
#
# Environment: KVER (default: as the top-level Makefile), FASTIPC_VM_*
# (see tools/testing/vm/run-guest.sh), INSTALL_TEST_GUEST=0 skips the guest.

set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
version=$(cat "$top/VERSION") || { echo "Bail out! cannot read $top/VERSION"; exit 1; }
if [ -z "${KVER:-}" ]; then	# as the top-level Makefile: newest headers
	KVER=$(for d in /lib/modules/*/build; do [ -d "$d" ] && basename "${d%/build}"; done |
		sort -V | tail -n1)
fi
MAKE=${MAKE:-make}
marker=.fastipc-install-test

n=0
failed=0
ok()
{
	n=$((n + 1))
	echo "ok $n - $*"
}
nok()
{
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $*"
}
skip()
{
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}
diag()
{
	sed 's/^/# /'
}
# check DESCRIPTION CMD...: ok if CMD succeeds, else not ok + its output.
check()
{
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$desc"
	else
		nok "$desc"
		[ -n "$out" ] && echo "$out" | tail -n 20 | diag
	fi
}

start=$(date +%s)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fastipc-install.XXXXXX") || {
	echo "Bail out! mktemp failed"; exit 1; }
dkms_added=
cleanup()
{
	if [ -n "$dkms_added" ]; then
		dkms remove -m fastipc -v "$version" --all >/dev/null 2>&1
		rm -rf "/usr/src/fastipc-$version"
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "TAP version 13"
echo "# fastipc $version, kernel $KVER, DESTDIR $tmp/root"

# ---- 1. make install ----

root=$tmp/root
t0=$(date +%s)
if $MAKE -C "$top" install DESTDIR="$root" PREFIX=/usr >"$tmp/install.log" 2>&1; then
	ok "make install DESTDIR=... PREFIX=/usr ($(( $(date +%s) - t0 ))s)"
else
	nok "make install DESTDIR=... PREFIX=/usr"
	tail -n 30 "$tmp/install.log" | diag
	echo "1..$n"
	exit 1
fi

ko=$root/lib/modules/$KVER/extra/fastipc.ko
check "module installed at /lib/modules/$KVER/extra/fastipc.ko" test -f "$ko"
check "depmod ran: modules.dep lists extra/fastipc.ko" \
	grep -qx 'extra/fastipc.ko:' "$root/lib/modules/$KVER/modules.dep"
modver=$(modinfo -F version "$ko" 2>&1)
if [ "$modver" = "$version" ]; then
	ok "installed module: modinfo version $modver = VERSION"
else
	nok "installed module: modinfo version '$modver' != VERSION '$version'"
fi

pc=$(find "$root/usr/lib" -name fastipc.pc -path '*/pkgconfig/*' 2>/dev/null | head -n1)
libdir=${pc%/pkgconfig/fastipc.pc}
major=${version%%.*}
soname_links()
{
	[ -n "$pc" ] || { echo "no fastipc.pc under $root/usr/lib"; return 1; }
	if [ ! -f "$libdir/libfastipc.so.$version" ] || [ -L "$libdir/libfastipc.so.$version" ]; then
		echo "no regular file libfastipc.so.$version in $libdir"
		return 1
	fi
	[ "$(readlink "$libdir/libfastipc.so.$major")" = "libfastipc.so.$version" ] ||
		{ echo "libfastipc.so.$major does not point to libfastipc.so.$version"; return 1; }
	[ "$(readlink "$libdir/libfastipc.so")" = "libfastipc.so.$major" ] ||
		{ echo "libfastipc.so does not point to libfastipc.so.$major"; return 1; }
	grep -q "Library soname: \[libfastipc.so.$major\]" \
		<<<"$(readelf -d "$libdir/libfastipc.so.$version")" ||
		{ echo "SONAME is not libfastipc.so.$major"; return 1; }
	[ -f "$libdir/libfastipc.a" ] || { echo "no libfastipc.a"; return 1; }
}
check "library: libfastipc.so.$version, soname links, libfastipc.a in ${libdir#"$root"}" soname_links

pc_ok()
{
	if grep -qx 'prefix=/usr' "$pc" && grep -qx "Version: $version" "$pc" &&
		grep -qx "libdir=${libdir#"$root"}" "$pc"; then
		return 0
	fi
	cat "$pc"
	return 1
}
check "fastipc.pc: prefix=/usr, libdir, Version: $version" pc_ok

headers_ok()
{
	[ -f "$root/usr/include/fastipc.h" ] || { echo "no fastipc.h"; return 1; }
	cmp "$top/kmod/include/uapi/linux/fastipc.h" "$root/usr/include/linux/fastipc.h"
}
check "headers: fastipc.h and linux/fastipc.h (= the uapi header)" headers_ok

want_bins=(fastipc-hash fastipc-hashd)
[ -f "$top/tools/fastipc-stat/Makefile" ] && want_bins+=(fastipc-stat)
grep -qs fastipcctl "$top"/tools/fastipc-stat/Makefile "$top"/tools/fastipcctl/Makefile &&
	want_bins+=(fastipcctl)
# The C++ tools are built only where libprotobuf (and grpc++) are found.
[ -x "$top/tools/fastipc-call/fastipc-call" ] && want_bins+=(fastipc-call)
gateway=$top/tools/fastipc-grpc-gateway/fastipc-grpc-gateway
[ -x "$gateway" ] && want_bins+=(fastipc-grpc-gateway)
bins_ok()
{
	local b rc=0
	for b in "${want_bins[@]}"; do
		[ -x "$root/usr/bin/$b" ] || { echo "missing /usr/bin/$b"; rc=1; }
	done
	return $rc
}
check "tools in /usr/bin: ${want_bins[*]}" bins_ok

unit=$root/usr/lib/systemd/system/fastipc-grpc-gateway@.service
unit_ok()
{
	[ -f "$unit" ] || { echo "no ${unit#"$root"}"; return 1; }
	grep -qx 'ExecStart=/usr/bin/fastipc-grpc-gateway $ARGS' "$unit" ||
		{ grep -n '^ExecStart' "$unit"; return 1; }
}
if [ -x "$gateway" ]; then
	check "systemd unit: fastipc-grpc-gateway@.service runs /usr/bin/fastipc-grpc-gateway" unit_ok
else
	skip "systemd unit of fastipc-grpc-gateway" "the gateway was not built (no grpc++)"
fi

mandir=$root/usr/share/man
man_ok()
{
	local f s rc=0
	for f in $(sed -n 's/^\t\t\([a-z_]*fastipc_[a-z_]*\);$/\1/p' "$top/lib/fastipc.map" \
		   "$top/lib/rpc/fastipc-rpc.map" "$top/lib/oncrpc/fastipc-oncrpc.map") libfastipc; do
		[ -f "$mandir/man3/$f.3" ] || { echo "no man3/$f.3"; rc=1; }
	done
	for f in "$top"/man/man[0-9]/*.[0-9]; do
		[ -f "$f" ] || continue
		s=${f##*.}
		[ -f "$mandir/man$s/${f##*/}" ] || { echo "man$s/${f##*/} not installed"; rc=1; }
	done
	return $rc
}
check "man pages: one per exported function in the three .map files, libfastipc.3, all of man/" man_ok

man_render()
{
	local f out rc=0
	cd "$mandir" || return 1
	for f in man[0-9]/*; do
		out=$(groff -man -Tutf8 -ww -z "$f" 2>&1) || { echo "$f: groff failed"; rc=1; }
		[ -z "$out" ] || { echo "$f: $out"; rc=1; }
		grep -q 'SPDX-License-Identifier' <<<"$(head -n1 "$f")" || { echo "$f: no SPDX line"; rc=1; }
	done
	return $rc
}
if command -v groff >/dev/null; then
	check "installed man pages render without groff warnings (-ww)" man_render
else
	skip "installed man pages render without groff warnings" "groff not installed"
fi

check "udev rule: /lib/udev/rules.d/60-fastipc.rules, KERNEL==\"fastipc\", MODE=\"0666\"" \
	grep -q 'KERNEL=="fastipc".*MODE="0666"' "$root/lib/udev/rules.d/60-fastipc.rules"

# ---- 2. a consumer through the installed fastipc.pc ----

cat >"$tmp/consumer.c" <<'EOF'
#include <fastipc.h>
#include <stdio.h>

int main(void)
{
	printf("%s %d.%d %d.%d\n", fastipc_version(), fastipc_version_major(),
	       fastipc_version_minor(), FASTIPC_VERSION_MAJOR,
	       FASTIPC_VERSION_MINOR);
	return 0;
}
EOF
mm=$(echo "$version" | cut -d. -f1-2)
want="$version $mm $mm"
pkgconf()
{
	PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_LIBDIR=$libdir/pkgconfig \
		PKG_CONFIG_PATH='' pkg-config "$@" fastipc
}
consumer()
{
	local kind=$1 flags got
	if [ "$kind" = shared ]; then
		flags=$(pkgconf --cflags --libs) || return 1
	else
		flags="$(pkgconf --cflags --static) $libdir/libfastipc.a $(pkgconf --static --libs-only-other)"
	fi
	echo "cc $flags"
	# shellcheck disable=SC2086 # flags are words
	${CC:-cc} -Wall -Wextra -Werror -o "$tmp/consumer-$kind" "$tmp/consumer.c" $flags || return 1
	if [ "$kind" = shared ]; then
		grep -q "NEEDED.*\[libfastipc.so.$major\]" <<<"$(readelf -d "$tmp/consumer-$kind")" ||
			{ echo "consumer does not need libfastipc.so.$major"; return 1; }
		grep -q "=> $libdir/libfastipc.so.$major" \
			<<<"$(LD_LIBRARY_PATH=$libdir ldd "$tmp/consumer-$kind")" ||
			{ echo "consumer does not load the installed library"; return 1; }
	fi
	got=$(LD_LIBRARY_PATH=$libdir "$tmp/consumer-$kind") || return 1
	[ "$got" = "$want" ] || { echo "consumer printed '$got', want '$want'"; return 1; }
}
check "shared consumer via installed fastipc.pc: fastipc_version() = $version" consumer shared
check "static consumer via installed fastipc.pc and libfastipc.a" consumer static

# libfastipc-rpc: its files, and a consumer through fastipc-rpc.pc that
# uses the describe call's generated type (installed header) and links.
rpc_files_ok()
{
	local f rc=0
	for f in "$libdir/libfastipc-rpc.so.$version" "$libdir/libfastipc-rpc.so.$major" \
		 "$libdir/libfastipc-rpc.a" "$libdir/pkgconfig/fastipc-rpc.pc" \
		 "$root/usr/include/fastipc-rpc.h" \
		 "$root/usr/include/fastipc-rpc-describe.pb-c.h" \
		 "$root/usr/share/fastipc/fastipc-rpc-describe.proto"; do
		[ -e "$f" ] || { echo "missing ${f#"$root"}"; rc=1; }
	done
	return $rc
}
check "libfastipc-rpc: library, soname link, .a, fastipc-rpc.pc, headers, describe .proto" rpc_files_ok
cat >"$tmp/rpc-consumer.c" <<'EOF'
#include <fastipc-rpc.h>
#include <stdio.h>

int main(void)
{
	Fastipc__Rpc__Description d = FASTIPC__RPC__DESCRIPTION__INIT;

	d.version = FASTIPC_RPC_WIRE_VERSION;
	printf("%s %zu\n", fastipc_rpc_code_name(FASTIPC_RPC_UNAVAILABLE),
	       fastipc__rpc__description__get_packed_size(&d));
	return 0;
}
EOF
rpc_consumer()
{
	local flags got
	# libprotobuf-c.pc is the system's: search both.
	flags=$(PKG_CONFIG_SYSROOT_DIR=$root \
		PKG_CONFIG_LIBDIR=$libdir/pkgconfig:$(pkg-config --variable pc_path pkg-config) \
		PKG_CONFIG_PATH='' pkg-config --cflags --libs fastipc-rpc) || return 1
	echo "cc $flags"
	# shellcheck disable=SC2086 # flags are words
	${CC:-cc} -Wall -Wextra -Werror -o "$tmp/rpc-consumer" "$tmp/rpc-consumer.c" $flags || return 1
	grep -q "NEEDED.*\[libfastipc-rpc.so.$major\]" <<<"$(readelf -d "$tmp/rpc-consumer")" ||
		{ echo "consumer does not need libfastipc-rpc.so.$major"; return 1; }
	got=$(LD_LIBRARY_PATH=$libdir "$tmp/rpc-consumer") || return 1
	[ "$got" = "UNAVAILABLE 2" ] || { echo "consumer printed '$got', want 'UNAVAILABLE 2'"; return 1; }
}
check "consumer via installed fastipc-rpc.pc: links libfastipc-rpc, runs" rpc_consumer

uninstall_ok()
{
	local left
	$MAKE -C "$top" uninstall DESTDIR="$root" PREFIX=/usr >"$tmp/uninstall.log" 2>&1 ||
		{ tail -n 20 "$tmp/uninstall.log"; return 1; }
	left=$(find "$root" ! -type d ! -path "$root/lib/modules/$KVER/modules.*")
	[ -z "$left" ] || { echo "left behind:"; echo "$left"; return 1; }
}
check "make uninstall DESTDIR=... removes every installed file" uninstall_ok

# ---- 3. DKMS ----

dkms_skip()
{
	local why=$1 d
	for d in "dkms add" "dkms build" "dkms install" "dkms status" \
		"DKMS module version" "guest loads the DKMS module" "dkms remove"; do
		skip "$d" "$why"
	done
}

dkms_pre=
if command -v dkms >/dev/null; then
	dkms_pre=$(dkms status -m fastipc -v "$version" 2>/dev/null)
fi
src=/usr/src/fastipc-$version
if ! command -v dkms >/dev/null; then
	dkms_skip "dkms not installed (make deps)"
elif [ "$(id -u)" -ne 0 ]; then
	dkms_skip "not root"
elif { [ -n "$dkms_pre" ] || [ -e "$src" ]; } && [ ! -e "$src/$marker" ]; then
	echo "# fastipc/$version is already in the DKMS tree or $src exists (make dkms-install?): not touching it"
	dkms_skip "fastipc/$version already registered by someone else"
else
	if [ -n "$dkms_pre" ] || [ -e "$src" ]; then
		echo "# removing fastipc/$version left by an earlier run of this test"
		dkms remove -m fastipc -v "$version" --all >/dev/null 2>&1
		rm -rf "$src"
	fi
	stage=$tmp/fastipc
	dkms_added=1
	t0=$(date +%s)
	if $MAKE -s -C "$top" dkms-src DKMS_SRCDIR="$stage" >"$tmp/dkms.log" 2>&1 &&
		touch "$stage/$marker" && dkms add "$stage" >>"$tmp/dkms.log" 2>&1; then
		ok "dkms add (sources from make dkms-src, version from VERSION)"
	else
		nok "dkms add"
		tail -n 20 "$tmp/dkms.log" | diag
	fi
	if dkms build -m fastipc -v "$version" -k "$KVER" >>"$tmp/dkms.log" 2>&1; then
		ok "dkms build -k $KVER ($(( $(date +%s) - t0 ))s)"
	else
		nok "dkms build -k $KVER"
		tail -n 20 "$tmp/dkms.log" | diag
		tail -n 30 "/var/lib/dkms/fastipc/$version/build/make.log" 2>/dev/null | diag
	fi
	if dkms install -m fastipc -v "$version" -k "$KVER" >>"$tmp/dkms.log" 2>&1; then
		ok "dkms install -k $KVER"
	else
		nok "dkms install -k $KVER"
		tail -n 20 "$tmp/dkms.log" | diag
	fi
	st=$(dkms status -m fastipc -v "$version" -k "$KVER" 2>&1)
	if grep -q "^fastipc/$version, $KVER, .*: installed" <<<"$st"; then
		ok "dkms status: $st"
	else
		nok "dkms status says installed"
		echo "$st" | diag
	fi
	dko=$(modinfo -k "$KVER" -n fastipc 2>/dev/null)
	dver=$(modinfo -k "$KVER" -F version fastipc 2>/dev/null)
	if [[ $dko == */updates/dkms/fastipc.ko* ]] && [ "$dver" = "$version" ]; then
		ok "DKMS module $dko: version $dver = VERSION"
	else
		nok "DKMS module: path '$dko' (want updates/dkms), version '$dver' (want $version)"
	fi
	if [ "${INSTALL_TEST_GUEST:-1}" = 0 ]; then
		skip "guest loads the DKMS module" "INSTALL_TEST_GUEST=0"
	else
		t0=$(date +%s)
		gcmd="set -e; modprobe -v fastipc; test \"\$(cat /sys/module/fastipc/version)\" = $version;"
		gcmd+=" test -c /dev/fastipc; rmmod fastipc; echo guest-ok"
		if out=$(cd "$top" && "$top/tools/testing/vm/run-guest.sh" --timeout 150 \
			--out "$top/build/install-test/vm" -- sh -c "$gcmd" 2>&1) &&
			grep -q guest-ok <<<"$out"; then
			ok "guest: modprobe loads updates/dkms/fastipc.ko, version $version, /dev/fastipc, rmmod ($(( $(date +%s) - t0 ))s)"
			echo "$out" | grep -E '^insmod ' | diag
		else
			nok "guest: modprobe of the DKMS module"
			echo "$out" | tail -n 30 | diag
		fi
	fi
	if dkms remove -m fastipc -v "$version" --all >>"$tmp/dkms.log" 2>&1 &&
		rm -rf "$src" && [ -z "$(dkms status -m fastipc -v "$version")" ] &&
		[ ! -e "/lib/modules/$KVER/updates/dkms/fastipc.ko" ]; then
		dkms_added=
		ok "dkms remove --all: nothing left in the DKMS tree, /usr/src, /lib/modules"
	else
		nok "dkms remove --all"
		tail -n 20 "$tmp/dkms.log" | diag
	fi
fi

echo "1..$n"
echo "# $((n - failed)) of $n passed in $(( $(date +%s) - start ))s"
[ "$failed" -eq 0 ]
