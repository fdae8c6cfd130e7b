# SPDX-License-Identifier: GPL-2.0
#
# fastipc top-level Makefile.
#
#   make deps        install the Debian packages the project needs (root)
#   make [all]       lib + tools + examples + man pages, and the module if
#                    the kernel headers are there (KDIR), the selftests if
#                    linux-source-6.1 is (LINUX_SRC_TAR); says what it
#                    skipped and which package provides it. With KVER or
#                    KDIR given, missing headers fail the build (after the
#                    rest is built).
#   make module      kmod/fastipc.ko against /lib/modules/$(KVER)/build
#   make ksft-headers  kselftest headers from linux-source-6.1 -> build/ksft/
#   make man         man pages with VERSION in their footers -> build/man/
#   make host-tests  quick host tests of the build, the link line and the
#                    docs (selftests/*_host.sh)
#   make checkpatch  checkpatch.pl --strict on kmod/ (clean or fail)
#   make sparse      module build with C=2 W=1 (no warning or fail)
#   make kselftest   run selftests/run_kselftests.sh in the QEMU guest
#   make debug-kernel  build (once, cached in /var/cache/fastipc) the debug
#                    guest kernel: KASAN, lockdep, kmemleak, UBSAN, fault
#                    injection (tools/testing/debug-kernel.sh)
#   make debug-module  kmod/ built against it, in build/debug-kmod/
#   make fuzz        the random-ioctl fuzzer in the guest (FUZZ_SECONDS=600,
#                    FUZZ_SEED; make check runs it for 60 s)
#   make fuzz-debug  the fuzzer in the debug-kernel guest with fail-nth
#                    armed before 1 operation in FUZZ_FAULTS (16)
#                    (FUZZ_SECONDS; make check runs it for 30 s)
#   make kselftest-debug  debug-kernel + debug-module, then the kselftests
#                    in a guest booting the debug kernel; fails on any
#                    kernel report, or a kmemleak leak after the suite+rmmod
#   make demo        deps + all + tools/demo/demo-guest.sh in the guest
#   make bench       deps + all + tools/bench/bench-guest.sh in the guest:
#                    fastipc-bench against sockets, pipes, ... (BENCH_ARGS,
#                    e.g. BENCH_ARGS=--quick); table, results.jsonl and
#                    SVG plots left in build/bench/
#   make check       deps + all (-Werror) + checkpatch + sparse + host-tests
#                    + host ring and hashd session tests (ASan/UBSan) + lib/rpc's
#                    exports and host tests (ASan/UBSan) + its request decoder's
#                    libFuzzer target (30 s) + install-check +
#                    kselftest (and libfastipc's guest test) + fuzz (60 s) + kselftest-debug
#                    + fuzz-debug (30 s)
#   make install     module (+ depmod), lib, headers, tools, man pages, udev
#                    rule; honours DESTDIR and PREFIX (default /usr/local)
#   make uninstall   removes what `make install` put there
#   make install-check  selftests/install_test.sh: install into a temporary
#                    DESTDIR, consumer via fastipc.pc, DKMS, guest load
#   make dkms-src    copy the module sources to $(DKMS_SRCDIR)
#                    (default /usr/src/fastipc-$(VERSION))
#   make dkms-install  dkms-src + dkms add/build/install for $(KVER)
#   make dkms-remove   dkms remove --all + delete $(DKMS_SRCDIR)
#   make clean
#
# Variables: KVER (guest/headers kernel version, default the newest
# /lib/modules/*/build), KDIR, WERROR=1 (module built with -Werror),
# FASTIPC_VM_ACCEL=kvm (see tools/testing/vm/run-guest.sh).
# Install: DESTDIR, PREFIX (/usr/local), MANDIR, UDEVDIR (/lib/udev/rules.d),
# DEPMOD (depmod; empty to skip it, e.g. for a package build).

SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := all

TOP := $(patsubst %/,%,$(dir $(realpath $(lastword $(MAKEFILE_LIST)))))
BUILD := $(TOP)/build

# MODULES_DIR: where the kernels' build trees are looked for (a test
# points it at an empty directory). An empty KVER counts as unset: `make
# check` exports an empty KVER on a machine without headers, and its
# `make all` runs after `make deps` installed them.
MODULES_DIR ?= /lib/modules
ifeq ($(strip $(KVER)),)
KVER := $(shell ls -d $(MODULES_DIR)/*/build 2>/dev/null | \
	sed -e 's|^$(MODULES_DIR)/||' -e 's|/build$$||' | sort -V | tail -n1)
endif
KDIR ?= $(MODULES_DIR)/$(KVER)/build
export KVER

FASTIPC_VERSION := $(shell cat $(TOP)/VERSION)
export FASTIPC_VERSION

WERROR ?= 0
KMAKE = $(MAKE) -C $(KDIR) M=$(TOP) $(if $(filter 1,$(WERROR)),FASTIPC_WERROR=1)

SUBDIRS := lib lib/rpc lib/oncrpc tools examples selftests
LINUX_SRC_PKG := linux-source-6.1
LINUX_SRC_TAR := /usr/src/$(LINUX_SRC_PKG).tar.xz
TAR_PREFIX := linux-source-6.1
UNXZ := tar -I 'xz -T2' --occurrence=1 -x -f $(LINUX_SRC_TAR)

RUN_GUEST := $(TOP)/tools/testing/vm/run-guest.sh
KSFT_TIMEOUT ?= 1200
# The debug kernel is ~4x slower under TCG: the whole run's limit. Each
# test program's limit is scaled in the guest by run_kselftests.sh from
# the slowdown it measures (FASTIPC_TEST_TIMEOUT is the base).
# The debug guest's whole run. Its programs' own limits scale with the
# guest's measured speed (run_kselftests.sh); this one cannot, as it is
# set before the guest boots. The debug guest measured timeout scale 5 on
# one 2-CPU build machine and 9 to 10 on another (2026-12-03), where the
# run took 3,072 s before examples_test and bench-check left it.
KSFT_DEBUG_TIMEOUT ?= 3600
# Not run on the debug kernel: scripts whose time goes to starting
# processes over 9p, each about 8x slower there than in the Debian guest
# (Python and gRPC peers, a dozen rpcgen clients, 45 runs of the C++
# fastipc-call, the example services' dozens of client runs, every
# mechanism of the benchmark in --check mode: the last two were 680 s of
# the debug run on the slower machine), and whose kernel paths (CALL,
# the region, zero-copy, connections) rpc_*_test, rpc_generic_test,
# oncrpc_test, shm_call_test, region_test and lib/tests/shm_smoke run on
# it already. The Debian guest runs them.
KSFT_DEBUG_EXCLUDE ?= grpc_gateway_test.sh oncrpc_example_test.sh call_tool_test.sh \
	examples_test.sh ../tools/bench/bench-check.sh
DEBUG_KERNEL := $(TOP)/tools/testing/debug-kernel.sh
DEBUG_KMOD := $(BUILD)/debug-kmod
DEMO_TIMEOUT ?= 1200
BENCH_ARGS ?=
BENCH_TIMEOUT ?= $(if $(filter --quick --check,$(BENCH_ARGS)),1800,7200)
BENCH_OUT := $(BUILD)/bench

KSFT_STAMP := $(BUILD)/ksft/.stamp
CHECKPATCH := $(BUILD)/linux-scripts/checkpatch.pl
CHECKPATCH_FILES = $(filter-out %.mod.c,$(patsubst $(TOP)/%,%,$(wildcard \
	$(TOP)/kmod/*.c $(TOP)/kmod/*.h $(TOP)/kmod/include/uapi/linux/*.h)))

.PHONY: all deps module ksft-headers subdirs checkpatch sparse kselftest \
	demo bench check clean kdir-check debug-kernel debug-module kselftest-debug \
	host-tests

# What `all` can build here: the module needs the kernel's headers (only
# a build tree with a Makefile counts), the selftests the kselftest
# headers from the linux-source tarball. lib/, tools/ and examples/ need
# neither. The hints name the package (Debian's, then Fedora's).
HAVE_KDIR := $(wildcard $(KDIR)/Makefile)
HAVE_KSFT := $(wildcard $(KSFT_STAMP) $(LINUX_SRC_TAR))
HDR_KVER = $(or $(KVER),$(shell uname -r))
HDR_HINT = no kernel headers $(if $(KVER)$(filter-out file,$(origin KDIR)),in $(KDIR),under $(MODULES_DIR)/*/build); install the package linux-headers-$(HDR_KVER) \
	(Debian, Ubuntu: apt-get install linux-headers-$(HDR_KVER); Fedora: kernel-devel-$(HDR_KVER)), \
	or point KDIR at a kernel build tree
SRC_HINT = no $(LINUX_SRC_TAR); install the package $(LINUX_SRC_PKG) \
	(Debian: apt-get install $(LINUX_SRC_PKG)), or point LINUX_SRC_TAR at its tarball
# Asked for by name: make KVER=... or KDIR=... wants that kernel's module.
KDIR_WANTED := $(strip $(if $(KVER),$(filter command line environment,$(origin KVER))) \
	$(filter command line environment,$(origin KDIR)))
BUILD_DIRS := $(if $(HAVE_KSFT),$(SUBDIRS),$(filter-out selftests,$(SUBDIRS)))

all: $(if $(HAVE_KDIR),module) $(if $(HAVE_KSFT),ksft-headers) subdirs man
	@$(if $(HAVE_KSFT),,echo "all: skipped the selftests (selftests/): $(SRC_HINT)" >&2;) \
	$(if $(HAVE_KDIR),true,\
	$(if $(KDIR_WANTED),\
		echo "all: error: the module (kmod/fastipc.ko) was not built: $(HDR_HINT)" >&2; exit 1,\
		echo "all: skipped the module (kmod/fastipc.ko): $(HDR_HINT)" >&2))

deps:
	$(TOP)/tools/testing/deps.sh

kdir-check:
	@if [ ! -f "$(KDIR)/Makefile" ]; then \
		echo "error: $(HDR_HINT)" >&2; \
		exit 1; \
	fi

$(LINUX_SRC_TAR):
	@echo "error: $(SRC_HINT)" >&2; exit 1

module: kdir-check
	@if [ -f $(TOP)/kmod/Kbuild ] || [ -f $(TOP)/kmod/Makefile ]; then \
		$(KMAKE) modules; \
	else \
		echo "module: kmod/Kbuild not present yet, skipping the module"; \
	fi

subdirs: $(if $(HAVE_KSFT),ksft-headers)
	@for d in $(BUILD_DIRS); do \
		if [ -f $(TOP)/$$d/Makefile ]; then \
			$(MAKE) -C $(TOP)/$$d all || { echo "error: build of $$d/ failed" >&2; exit 1; }; \
		else \
			echo "subdirs: $$d/Makefile not present yet, skipping $$d/"; \
		fi; \
	done

ksft-headers: $(KSFT_STAMP)

# Headers extracted once stay usable if the tarball goes away.
$(KSFT_STAMP): $(wildcard $(LINUX_SRC_TAR))
	@test -f $(LINUX_SRC_TAR) || { echo "error: $(SRC_HINT)" >&2; exit 1; }
	@rm -rf $(BUILD)/ksft.tmp && mkdir -p $(BUILD)/ksft.tmp $(BUILD)/ksft
	@echo "  EXTRACT build/ksft/kselftest_harness.h kselftest.h"
	@$(UNXZ) -C $(BUILD)/ksft.tmp --strip-components=4 \
		$(TAR_PREFIX)/tools/testing/selftests/kselftest_harness.h \
		$(TAR_PREFIX)/tools/testing/selftests/kselftest.h \
		|| { echo "error: extracting kselftest headers from $(LINUX_SRC_TAR) failed" >&2; exit 1; }
	@mv -f $(BUILD)/ksft.tmp/kselftest_harness.h $(BUILD)/ksft.tmp/kselftest.h $(BUILD)/ksft/
	@rm -rf $(BUILD)/ksft.tmp
	@touch $@

$(CHECKPATCH): $(LINUX_SRC_TAR)
	@rm -rf $(BUILD)/linux-scripts.tmp && mkdir -p $(BUILD)/linux-scripts.tmp $(BUILD)/linux-scripts
	@echo "  EXTRACT build/linux-scripts/checkpatch.pl"
	@$(UNXZ) -C $(BUILD)/linux-scripts.tmp --strip-components=2 \
		$(TAR_PREFIX)/scripts/checkpatch.pl \
		$(TAR_PREFIX)/scripts/spelling.txt \
		$(TAR_PREFIX)/scripts/const_structs.checkpatch \
		|| { echo "error: extracting checkpatch.pl from $(LINUX_SRC_TAR) failed" >&2; exit 1; }
	@mv -f $(BUILD)/linux-scripts.tmp/* $(BUILD)/linux-scripts/
	@rm -rf $(BUILD)/linux-scripts.tmp
	@touch $@

checkpatch: $(CHECKPATCH)
	@files="$(CHECKPATCH_FILES)"; \
	if [ -z "$$files" ]; then echo "checkpatch: no files under kmod/ yet"; exit 0; fi; \
	cd $(TOP); \
	st=0; perl $(CHECKPATCH) --no-tree --strict --terse --no-summary -f \
		$$files >$(BUILD)/checkpatch.log 2>&1 || st=$$?; \
	cat $(BUILD)/checkpatch.log; \
	if [ $$st -ne 0 ] || grep -qE '(ERROR|WARNING|CHECK):' $(BUILD)/checkpatch.log; then \
		echo "checkpatch: FAILED (status $$st, see above; log in build/checkpatch.log)" >&2; exit 1; \
	fi; \
	echo "checkpatch: clean ($$(echo $$files | wc -w) files)"

sparse: kdir-check
	@if [ ! -f $(TOP)/kmod/Kbuild ] && [ ! -f $(TOP)/kmod/Makefile ]; then \
		echo "sparse: kmod/Kbuild not present yet, skipping"; exit 0; fi; \
	mkdir -p $(BUILD); \
	$(MAKE) -C $(KDIR) M=$(TOP) C=2 W=1 modules 2>&1 | tee $(BUILD)/sparse.log; \
	if grep -qE '(warning|error):' $(BUILD)/sparse.log; then \
		echo "sparse: FAILED: warnings in the C=2 W=1 build (build/sparse.log)" >&2; exit 1; \
	fi; \
	echo "sparse: clean"

kselftest:
	@if [ ! -x $(TOP)/selftests/run_kselftests.sh ]; then \
		echo "error: selftests/run_kselftests.sh missing or not executable" >&2; exit 1; fi
	cd $(TOP) && $(RUN_GUEST) --timeout $(KSFT_TIMEOUT) --out $(BUILD)/kselftest \
		-- selftests/run_kselftests.sh

debug-kernel:
	$(DEBUG_KERNEL)

# A copy of the module sources, so that kmod/fastipc.ko (for Debian's
# kernel) is not clobbered.
debug-module:
	@tree=$$($(DEBUG_KERNEL) --tree); \
	rm -rf $(DEBUG_KMOD) && mkdir -p $(DEBUG_KMOD); \
	tar -C $(TOP) $(DKMS_EXCLUDE) -cf - Kbuild VERSION kmod | tar -C $(DEBUG_KMOD) -xf -; \
	$(MAKE) -C $$tree M=$(DEBUG_KMOD) $(if $(filter 1,$(WERROR)),FASTIPC_WERROR=1) modules; \
	test -f $(DEBUG_KMOD)/kmod/fastipc.ko || \
		{ echo "debug-module: error: $(DEBUG_KMOD)/kmod/fastipc.ko was not built" >&2; exit 1; }

kselftest-debug: debug-module
	@if [ ! -x $(TOP)/selftests/run_kselftests.sh ]; then \
		echo "error: selftests/run_kselftests.sh missing or not executable" >&2; exit 1; fi
	cd $(TOP) && FASTIPC_KO=$(DEBUG_KMOD)/kmod/fastipc.ko \
		FASTIPC_MODLOAD_ROUNDS=$${FASTIPC_MODLOAD_ROUNDS:-2} \
		FASTIPC_TESTS_EXCLUDE="$${FASTIPC_TESTS_EXCLUDE-$(KSFT_DEBUG_EXCLUDE)}" \
		$(DEBUG_KERNEL) run --timeout $(KSFT_DEBUG_TIMEOUT) \
		--out $(BUILD)/kselftest-debug -- selftests/run_kselftests.sh

demo: deps
	$(MAKE) -C $(TOP) all
	@if [ ! -x $(TOP)/tools/demo/demo-guest.sh ]; then \
		echo "error: tools/demo/demo-guest.sh missing or not executable" >&2; exit 1; fi
	cd $(TOP) && $(RUN_GUEST) --timeout $(DEMO_TIMEOUT) --out $(BUILD)/demo \
		-- tools/demo/demo-guest.sh

# Old results go first; run-guest.sh adds its logs (output.log,
# console.log, dmesg.txt) to the same directory.
bench: deps
	$(MAKE) -C $(TOP) all
	@if [ ! -x $(TOP)/tools/bench/bench-guest.sh ]; then \
		echo "error: tools/bench/bench-guest.sh missing or not executable" >&2; exit 1; fi
	rm -f $(BENCH_OUT)/table.txt $(BENCH_OUT)/results.jsonl \
		$(BENCH_OUT)/*.dat $(BENCH_OUT)/*.svg
	cd $(TOP) && FASTIPC_BENCH_OUT=$(BENCH_OUT) \
		FASTIPC_BENCH_GIT="$$(git describe --always --dirty 2>/dev/null || echo unknown)" \
		FASTIPC_BENCH_HOST_KERNEL="$$(uname -r)" \
		$(RUN_GUEST) --timeout $(BENCH_TIMEOUT) --out $(BENCH_OUT) \
		-- tools/bench/bench-guest.sh $(BENCH_ARGS)
	@echo "bench: results in $(BENCH_OUT): table.txt, results.jsonl, *.dat, *.svg"

# The random-ioctl fuzzer in the guest: FUZZ_SECONDS (600 here, 60 in
# check) with seed FUZZ_SEED (default: from the clock; printed first).
FUZZ_SECONDS ?= 600
FUZZ_SEED ?=
.PHONY: fuzz fuzz-debug
fuzz: module
	$(MAKE) -C $(TOP)/tools/testing/fuzz
	cd $(TOP) && $(RUN_GUEST) --timeout $$(( $(FUZZ_SECONDS) + 600 )) --out $(BUILD)/fuzz \
		-- sh tools/testing/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_SEED)

# The same under the debug kernel (KASAN, lockdep, kmemleak), with
# allocations and user copies failed on purpose through fail-nth.
FUZZ_FAULTS ?= 16
fuzz-debug: debug-module
	$(MAKE) -C $(TOP)/tools/testing/fuzz
	cd $(TOP) && FASTIPC_KO=$(DEBUG_KMOD)/kmod/fastipc.ko \
		FASTIPC_FUZZ_FAULTS=$(FUZZ_FAULTS) \
		$(DEBUG_KERNEL) run --timeout $$(( $(FUZZ_SECONDS) * 4 + 900 )) \
		--out $(BUILD)/fuzz-debug \
		-- sh tools/testing/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_SEED)

# Every step runs even if an earlier check failed (except a failed build,
# which leaves nothing to test); the summary lists what failed.
check:
	@start=$$(date +%s); fail=; \
	$(MAKE) -C $(TOP) deps || { echo "check: FAILED: deps" >&2; exit 1; }; \
	$(MAKE) -C $(TOP) checkpatch || fail="$$fail checkpatch"; \
	$(MAKE) -C $(TOP) sparse || fail="$$fail sparse"; \
	$(MAKE) -C $(TOP) all WERROR=1 || { echo "check: FAILED: build (-Werror)$$fail" >&2; exit 1; }; \
	$(MAKE) -C $(TOP) host-tests || fail="$$fail host-tests"; \
	$(MAKE) -C $(TOP)/lib/tests check || fail="$$fail lib-tests"; \
	$(MAKE) -C $(TOP)/lib/rpc check || fail="$$fail rpc-lib"; \
	$(MAKE) -C $(TOP)/lib/oncrpc check || fail="$$fail oncrpc-lib"; \
	$(MAKE) -C $(TOP)/lib/rpc/tests check || fail="$$fail rpc-tests"; \
	$(MAKE) -C $(TOP)/lib/rpc/fuzz fuzz FUZZ_SECONDS=30 || fail="$$fail rpc-fuzz"; \
	$(MAKE) -C $(TOP)/tools/fastipc-hash check || fail="$$fail hash-tests"; \
	$(MAKE) -C $(TOP)/lib/tests guest || fail="$$fail lib-tests-guest"; \
	$(MAKE) -C $(TOP) install-check WERROR=1 || fail="$$fail install-check"; \
	$(MAKE) -C $(TOP) kselftest || fail="$$fail kselftest"; \
	$(MAKE) -C $(TOP) fuzz FUZZ_SECONDS=60 || fail="$$fail fuzz"; \
	$(MAKE) -C $(TOP) kselftest-debug WERROR=1 || fail="$$fail kselftest-debug"; \
	$(MAKE) -C $(TOP) fuzz-debug FUZZ_SECONDS=30 WERROR=1 || fail="$$fail fuzz-debug"; \
	t=$$(( $$(date +%s) - start )); \
	if [ -n "$$fail" ]; then echo "check: FAILED:$$fail ($${t}s)" >&2; exit 1; fi; \
	echo "check: all passed ($${t}s)"

clean:
	@if [ -d "$(KDIR)" ] && { [ -f $(TOP)/kmod/Kbuild ] || [ -f $(TOP)/kmod/Makefile ]; }; then \
		$(MAKE) -C $(KDIR) M=$(TOP) clean; fi
	@for d in $(SUBDIRS); do \
		if [ -f $(TOP)/$$d/Makefile ]; then $(MAKE) -C $(TOP)/$$d clean; fi; \
	done
	$(MAKE) -C $(TOP)/tools/testing/fuzz clean
	rm -rf $(BUILD)

# ---- install, uninstall, DKMS ----
#
# The module goes to $(DESTDIR)/lib/modules/$(KVER)/extra (not under
# PREFIX), then depmod runs: on the running system when DESTDIR is empty;
# in $(DESTDIR) (depmod -b) when DESTDIR is set and a System.map of $(KVER)
# exists there or in /boot (the kernel's own modules_install rule: without
# it the target kernel is unknown here and depmod is skipped, with a note).
# DEPMOD= (empty) skips depmod, as a package build wants.

PREFIX ?= /usr/local
MANDIR ?= $(PREFIX)/share/man
UDEVDIR ?= /lib/udev/rules.d
DEPMOD ?= depmod
MODDIR = /lib/modules/$(KVER)/extra
SYSTEM_MAP = $(firstword $(wildcard $(DESTDIR)/boot/System.map-$(KVER) \
	/boot/System.map-$(KVER)))
INSTALL_VARS = DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)"
MAN_OUT ?= $(BUILD)/man
MAN_PAGES = $(wildcard $(TOP)/man/man1/*.1 $(TOP)/man/man3/*.3 \
	$(TOP)/man/man8/*.8)

DKMS_SRCDIR ?= /usr/src/fastipc-$(FASTIPC_VERSION)
DKMS_FILES := Kbuild VERSION dkms.conf kmod
DKMS_EXCLUDE := $(addprefix --exclude=,'*.o' '*.ko' '*.mod' '*.mod.c' \
	'.*.cmd' '*.d' Module.symvers modules.order .tmp_versions)
DKMS_MOD := -m fastipc -v $(FASTIPC_VERSION)

.PHONY: install uninstall install-check install-depmod man dkms-src dkms-install dkms-remove

install: all
	@test -f $(TOP)/kmod/fastipc.ko || \
		{ echo "install: error: kmod/fastipc.ko was not built$(if $(HAVE_KDIR),,: $(HDR_HINT))" >&2; exit 1; }
	install -D -m 644 $(TOP)/kmod/fastipc.ko $(DESTDIR)$(MODDIR)/fastipc.ko
	@$(MAKE) -s -C $(TOP) install-depmod
	$(MAKE) -C $(TOP)/lib install $(INSTALL_VARS)
	$(MAKE) -C $(TOP)/lib/rpc install $(INSTALL_VARS)
	$(MAKE) -C $(TOP)/lib/oncrpc install $(INSTALL_VARS)
	$(MAKE) -C $(TOP)/tools install $(INSTALL_VARS)
	@set -e; for f in $(MAN_PAGES); do \
		s=$${f##*.}; \
		install -D -m 644 $(MAN_OUT)/man$$s/$${f##*/} $(DESTDIR)$(MANDIR)/man$$s/$${f##*/}; \
	done; echo "  INSTALL $(words $(MAN_PAGES)) man pages -> $(DESTDIR)$(MANDIR)"
	install -D -m 644 $(TOP)/udev/60-fastipc.rules \
		$(DESTDIR)$(UDEVDIR)/60-fastipc.rules

uninstall:
	rm -f $(DESTDIR)$(MODDIR)/fastipc.ko
	rmdir $(DESTDIR)$(MODDIR) 2>/dev/null || true
	@if [ -z "$(DESTDIR)" ] || [ -f $(DESTDIR)/lib/modules/$(KVER)/modules.dep ]; then \
		$(MAKE) -s -C $(TOP) install-depmod; fi
	$(MAKE) -C $(TOP)/lib/oncrpc uninstall $(INSTALL_VARS)
	$(MAKE) -C $(TOP)/lib/rpc uninstall $(INSTALL_VARS)
	$(MAKE) -C $(TOP)/lib uninstall $(INSTALL_VARS)
	$(MAKE) -C $(TOP)/tools uninstall $(INSTALL_VARS)
	rm -f $(foreach f,$(MAN_PAGES),$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(f)))/$(notdir $(f)))
	rmdir --ignore-fail-on-non-empty $(sort $(foreach f,$(MAN_PAGES),\
		$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(f))))) 2>/dev/null || true
	rm -f $(DESTDIR)$(UDEVDIR)/60-fastipc.rules

install-depmod:
	@if [ -z "$(DEPMOD)" ]; then \
		echo "  DEPMOD  skipped (DEPMOD is empty)"; \
	elif [ -z "$(DESTDIR)" ]; then \
		echo "  DEPMOD  $(KVER)"; $(DEPMOD) $(KVER); \
	elif [ -n "$(SYSTEM_MAP)" ]; then \
		echo "  DEPMOD  -b $(DESTDIR) $(KVER)"; \
		out=$$($(DEPMOD) -b $(DESTDIR) $(KVER) 2>&1) || \
			{ echo "$$out" >&2; echo "error: depmod -b $(DESTDIR) $(KVER) failed" >&2; exit 1; }; \
		echo "$$out" | grep -v -e '^$$' -e 'could not open modules\.\(order\|builtin\)' >&2 || true; \
	else \
		echo "  DEPMOD  skipped: DESTDIR is set and there is no System.map-$(KVER)"; \
	fi

# The man pages' footers say "libfastipc @VERSION@": the version comes from
# VERSION, written into the copies in $(MAN_OUT) that `make install`
# installs (selftests/docs_test.sh checks every footer).
man:
	@rm -rf $(MAN_OUT) && mkdir -p $(MAN_OUT)
	@set -e; for f in $(MAN_PAGES); do \
		s=$${f##*.}; mkdir -p $(MAN_OUT)/man$$s; \
		sed -e 's|@VERSION@|$(FASTIPC_VERSION)|g' $$f > $(MAN_OUT)/man$$s/$${f##*/}; \
	done; echo "  MAN     $(words $(MAN_PAGES)) pages, version $(FASTIPC_VERSION) -> $(MAN_OUT)"

install-check:
	$(TOP)/selftests/install_test.sh

# Quick host tests (no guest, no root): every one runs, the summary
# names the failed ones.
HOST_TESTS := $(sort $(wildcard $(TOP)/selftests/*_host.sh))
host-tests:
	@fail=; for t in $(HOST_TESTS); do \
		echo "# ==== $${t##*/}"; \
		bash $$t || fail="$$fail $${t##*/}"; \
	done; \
	if [ -n "$$fail" ]; then echo "host-tests: FAILED:$$fail" >&2; exit 1; fi; \
	echo "host-tests: all passed ($(words $(HOST_TESTS)))"

# Only what the module build needs, without build products: what
# `dkms add` copies and `dkms build` builds (see dkms.conf).
dkms-src:
	@[ -n "$(DKMS_SRCDIR)" ] || { echo "error: DKMS_SRCDIR is empty" >&2; exit 1; }
	rm -rf $(DKMS_SRCDIR)
	mkdir -p $(DKMS_SRCDIR)
	tar -C $(TOP) $(DKMS_EXCLUDE) -cf - $(DKMS_FILES) | tar -C $(DKMS_SRCDIR) -xf -

dkms-install: kdir-check
	@command -v dkms >/dev/null || { echo "error: dkms not installed; run 'make deps'" >&2; exit 1; }
	@if [ -n "$$(dkms status $(DKMS_MOD))" ]; then \
		echo "  DKMS    removing the old fastipc/$(FASTIPC_VERSION)"; \
		dkms remove $(DKMS_MOD) --all; fi
	$(MAKE) -C $(TOP) dkms-src DKMS_SRCDIR=/usr/src/fastipc-$(FASTIPC_VERSION)
	dkms add $(DKMS_MOD)
	dkms build $(DKMS_MOD) -k $(KVER)
	dkms install $(DKMS_MOD) -k $(KVER)

dkms-remove:
	@command -v dkms >/dev/null || { echo "error: dkms not installed" >&2; exit 1; }
	@if [ -n "$$(dkms status $(DKMS_MOD))" ]; then dkms remove $(DKMS_MOD) --all; fi
	rm -rf /usr/src/fastipc-$(FASTIPC_VERSION)
