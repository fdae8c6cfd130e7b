#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything fastipc needs to build and test on Debian 12.
# Idempotent: does nothing when every package is already installed.
set -euo pipefail

PKGS=(
	linux-image-amd64 linux-headers-amd64 qemu-system-x86 busybox-static cpio
	linux-source-6.1 libssl-dev sparse pkg-config make gcc xz-utils kmod
	libnl-3-dev libnl-genl-3-dev perl python3 dkms
	flex bison bc libelf-dev gnuplot-nox
	protobuf-c-compiler libprotobuf-c-dev protobuf-compiler libprotobuf-dev
	libgrpc++-dev protobuf-compiler-grpc python3-grpcio python3-protobuf
	libsystemd-dev libtirpc-dev rpcsvc-proto strace
)

missing=()
for p in "${PKGS[@]}"; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$st" = "install ok installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#PKGS[@]} packages installed"
	exit 0
fi

echo "deps: missing packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: error: must run as root to install: ${missing[*]}" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
if ! apt-get -q update </dev/null; then
	echo "deps: error: apt-get update failed" >&2
	exit 1
fi
if ! apt-get install "${apt_opts[@]}" --no-install-recommends "${missing[@]}" </dev/null; then
	echo "deps: error: apt-get install failed for: ${missing[*]}" >&2
	exit 1
fi
echo "deps: installed ${missing[*]}"
