#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debug-kernel.sh [build] [--image|--tree|--quiet]
# debug-kernel.sh run [run-guest.sh options] -- CMD [ARGS...]
#
# build (default): build, once, the debug guest kernel from Debian's
# linux-source-6.1 tarball: `make tinyconfig`, the fragment
# tools/testing/kernel-debug.config applied with scripts/config (KASAN,
# lockdep, kmemleak, UBSAN, DEBUG_ATOMIC_SLEEP, DEBUG_LIST, fault
# injection; virtio-9p built in), `make olddefconfig`, bzImage and
# modules_prepare (so `make -C TREE M=DIR modules` builds out-of-tree
# modules against it). The tree is cached outside the clone, keyed by a
# hash of the fragment, this script's build recipe (the functions between
# the "build recipe" markers: editing comments or the run part elsewhere
# does not force a rebuild), the tarball's version and the compiler: a
# second run only checks the stamp. Prints
#   bzImage=PATH
#   tree=PATH
# (--image or --tree: print only that path). Build output goes to
# TREE/fastipc-build.log; about 6-8 minutes on 2 cores.
#
# run: build if needed, then tools/testing/vm/run-guest.sh with what this
# kernel needs: its bzImage, no initramfs modules (virtio/9p are built
# in), acpi=noirq (under TCG the KASAN+lockdep kernel spins in ACPI's
# _PRT method, the PCI interrupt routing, with virtio-pci devices present;
# acpi=off avoided that too, but the guest then found one CPU instead of
# two, so nothing in the debug run ever ran in parallel), a CPU without
# 5-level paging (-cpu max,la57=off: with LA57, an interrupt taken in
# identify_cpu() at ~0.02 s of boot, before KASAN's shadow covers the
# 5-level direct map, is a KASAN wild-memory-access in do_raw_spin_lock()
# at ff1100000015a0a8, seen twice on a loaded host before fastipc loads),
# KVER set to its release.
#
# Environment:
#   FASTIPC_DEBUG_KERNEL_CACHE  cache root (default /var/cache/fastipc)
#   FASTIPC_DEBUG_KERNEL_JOBS   make -j (default: number of CPUs)
#   LINUX_SRC_TAR               (default /usr/src/linux-source-6.1.tar.xz)
set -euo pipefail

ME=debug-kernel
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FRAGMENT=$HERE/kernel-debug.config
SELF=$HERE/$(basename "${BASH_SOURCE[0]}")
TARBALL=${LINUX_SRC_TAR:-/usr/src/linux-source-6.1.tar.xz}
CACHE=${FASTIPC_DEBUG_KERNEL_CACHE:-/var/cache/fastipc}
JOBS=${FASTIPC_DEBUG_KERNEL_JOBS:-$(nproc)}
STAMP=.fastipc-debug-kernel

err()
{
	echo "$ME: error: $*" >&2
}

note()
{
	echo "$ME: $*" >&2
}

usage()
{
	sed -n '4,5p' "$SELF" | sed 's/^# /usage: /' >&2
	exit 2
}

cache_key()
{
	local srcver
	srcver=$(dpkg-query -W -f '${Package} ${Version}' \
		"$(basename "$TARBALL" .tar.xz)" 2>/dev/null) || srcver=
	{
		cat "$FRAGMENT"
		sed -n '/^# ---- build recipe/,/^# ---- end of the build recipe/p' "$SELF"
		echo "source $srcver $(stat -c '%s %Y' "$TARBALL")"
		echo "cc $(gcc --version | head -n1)"
	} | sha256sum | cut -c1-16
}

# ---- build recipe (hashed into the cache key) ----

# Apply the fragment: CONFIG_X=y|n|value, in file order.
apply_fragment()
{
	local line name val args=()
	while IFS= read -r line; do
		case $line in ''|'#'*) continue ;; esac
		[[ $line =~ ^CONFIG_([A-Za-z0-9_]+)=(.*)$ ]] ||
			{ err "$FRAGMENT: bad line '$line'"; return 1; }
		name=${BASH_REMATCH[1]}
		val=${BASH_REMATCH[2]}
		case $val in
		y) args+=(--enable "$name") ;;
		n) args+=(--disable "$name") ;;
		m) args+=(--module "$name") ;;
		\"*\") val=${val#\"}; args+=(--set-str "$name" "${val%\"}") ;;
		*) args+=(--set-val "$name" "$val") ;;
		esac
	done <"$FRAGMENT"
	./scripts/config "${args[@]}"
}

# Every option of the fragment must have survived olddefconfig.
verify_config()
{
	local line name want got bad=0
	while IFS= read -r line; do
		case $line in ''|'#'*) continue ;; esac
		name=${line%%=*}
		want=${line#*=}
		got=$(sed -n "s/^$name=//p" .config)
		case $want in
		n) [ -z "$got" ] || { err "$name should be off, is '$got'"; bad=1; } ;;
		*) [ "$got" = "$want" ] || {
			err "$name=$want did not survive olddefconfig (got '${got:-unset}'; a missing dependency?)"
			bad=1; } ;;
		esac
	done <"$FRAGMENT"
	return "$bad"
}

build_tree()
{
	local tree=$1 log=$1/fastipc-build.log start
	start=$(date +%s)
	if [ ! -e "$tree/.fastipc-extracted" ]; then
		rm -rf "$tree"
		mkdir -p "$tree"
		note "extracting $TARBALL into $tree"
		tar -I 'xz -T0' -x -f "$TARBALL" -C "$tree" --strip-components=1 ||
			{ err "extracting $TARBALL failed"; return 1; }
		touch "$tree/.fastipc-extracted"
	fi
	cd "$tree"
	note "building the debug kernel in $tree (make -j$JOBS; log: $log)"
	{
		make tinyconfig &&
		apply_fragment &&
		make olddefconfig &&
		verify_config &&
		make -j"$JOBS" bzImage &&
		make -j"$JOBS" modules_prepare
	} >"$log" 2>&1 || {
		err "the debug kernel build failed; last lines of $log:"
		tail -n 30 "$log" | sed 's/^/  | /' >&2
		return 1
	}
	echo "$KEY" >"$tree/$STAMP"
	note "built in $(( $(date +%s) - start ))s: $(cat include/config/kernel.release)"
}

# ---- end of the build recipe ----

ensure_built()
{
	[ -r "$TARBALL" ] || { err "cannot read $TARBALL (apt-get install linux-source-6.1)"; exit 1; }
	[ -r "$FRAGMENT" ] || { err "cannot read $FRAGMENT"; exit 1; }
	local p missing=()
	for p in flex bison bc gcc make perl; do
		command -v "$p" >/dev/null || missing+=("$p")
	done
	[ -e /usr/include/libelf.h ] || missing+=(libelf-dev)
	[ -e /usr/include/openssl/ssl.h ] || missing+=(libssl-dev)
	if [ ${#missing[@]} -gt 0 ]; then
		err "missing build tools: ${missing[*]} (make deps, or apt-get install flex bison bc libelf-dev libssl-dev)"
		exit 1
	fi
	KEY=$(cache_key)
	TREE=$CACHE/debug-kernel-$KEY
	IMAGE=$TREE/arch/x86/boot/bzImage
	if [ "$(cat "$TREE/$STAMP" 2>/dev/null)" = "$KEY" ] && [ -s "$IMAGE" ]; then
		return 0
	fi
	mkdir -p "$CACHE" || { err "cannot create the cache directory $CACHE"; exit 1; }
	# One build at a time per key; a second caller waits, then finds the stamp.
	exec 9>"$CACHE/.debug-kernel-$KEY.lock"
	flock 9
	if [ "$(cat "$TREE/$STAMP" 2>/dev/null)" != "$KEY" ] || [ ! -s "$IMAGE" ]; then
		(build_tree "$TREE") || exit 1
	fi
	flock -u 9
}

cmd=build
case ${1:-} in
build) shift ;;
run) cmd=run; shift ;;
esac

if [ "$cmd" = run ]; then
	ensure_built
	rel=$(cat "$TREE/include/config/kernel.release")
	export FASTIPC_VM_KERNEL=$IMAGE
	export FASTIPC_VM_MODULES=none
	export FASTIPC_VM_APPEND="acpi=noirq ${FASTIPC_VM_APPEND:-}"
	export FASTIPC_VM_CPU=${FASTIPC_VM_CPU:-max,la57=off}
	export KVER=$rel
	exec "$HERE/vm/run-guest.sh" "$@"
fi

what=both
while [ $# -gt 0 ]; do
	case $1 in
	--image) what=image ;;
	--tree) what=tree ;;
	--quiet) what=none ;;
	*) usage ;;
	esac
	shift
done
ensure_built
case $what in
both) echo "bzImage=$IMAGE"; echo "tree=$TREE" ;;
image) echo "$IMAGE" ;;
tree) echo "$TREE" ;;
esac
