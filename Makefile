# SPDX-License-Identifier: GPL-2.0
#
# fastipc top-level Makefile.
#
#   make deps        install the Debian packages the project needs (root)
#   make [all]       module + lib + tools + selftests (each if present)
#   make module      kmod/fastipc.ko against /lib/modules/$(KVER)/build
#   make ksft-headers  kselftest headers from linux-source-6.1 -> build/ksft/
#   make checkpatch  checkpatch.pl --strict on kmod/ (clean or fail)
#   make sparse      module build with C=2 W=1 (no warning or fail)
#   make kselftest   run selftests/run_kselftests.sh in the QEMU guest
#   make demo        deps + all + tools/demo/demo-guest.sh in the guest
#   make check       deps + all (-Werror) + checkpatch + sparse + host ring
#                    tests (ASan/UBSan) + kselftest (and libfastipc's guest test)
#   make clean
#
# Variables: KVER (guest/headers kernel version, default the newest
# /lib/modules/*/build), KDIR, WERROR=1 (module built with -Werror),
# FASTIPC_VM_ACCEL=kvm (see tools/testing/vm/run-guest.sh).

SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := all

TOP := $(patsubst %/,%,$(dir $(realpath $(lastword $(MAKEFILE_LIST)))))
BUILD := $(TOP)/build

KVER ?= $(shell ls -d /lib/modules/*/build 2>/dev/null | \
	sed -e 's|^/lib/modules/||' -e 's|/build$$||' | sort -V | tail -n1)
KDIR ?= /lib/modules/$(KVER)/build
export KVER

FASTIPC_VERSION := $(shell cat $(TOP)/VERSION)
export FASTIPC_VERSION

WERROR ?= 0
KMAKE = $(MAKE) -C $(KDIR) M=$(TOP) $(if $(filter 1,$(WERROR)),FASTIPC_WERROR=1)

SUBDIRS := lib tools selftests
LINUX_SRC_TAR := /usr/src/linux-source-6.1.tar.xz
TAR_PREFIX := linux-source-6.1
UNXZ := tar -I 'xz -T2' --occurrence=1 -x -f $(LINUX_SRC_TAR)

RUN_GUEST := $(TOP)/tools/testing/vm/run-guest.sh
KSFT_TIMEOUT ?= 1200
DEMO_TIMEOUT ?= 1200

KSFT_STAMP := $(BUILD)/ksft/.stamp
CHECKPATCH := $(BUILD)/linux-scripts/checkpatch.pl
CHECKPATCH_FILES = $(filter-out %.mod.c,$(patsubst $(TOP)/%,%,$(wildcard \
	$(TOP)/kmod/*.c $(TOP)/kmod/*.h $(TOP)/kmod/include/uapi/linux/*.h)))

.PHONY: all deps module ksft-headers subdirs checkpatch sparse kselftest \
	demo check clean kdir-check

all: module ksft-headers subdirs

deps:
	$(TOP)/tools/testing/deps.sh

kdir-check:
	@if [ -z "$(KVER)" ] || [ ! -d "$(KDIR)" ]; then \
		echo "error: no kernel headers at '$(KDIR)' (KVER='$(KVER)'); run 'make deps'" >&2; \
		exit 1; \
	fi

module: kdir-check
	@if [ -f $(TOP)/kmod/Kbuild ] || [ -f $(TOP)/kmod/Makefile ]; then \
		$(KMAKE) modules; \
	else \
		echo "module: kmod/Kbuild not present yet, skipping the module"; \
	fi

subdirs: ksft-headers
	@for d in $(SUBDIRS); do \
		if [ -f $(TOP)/$$d/Makefile ]; then \
			$(MAKE) -C $(TOP)/$$d all || { echo "error: build of $$d/ failed" >&2; exit 1; }; \
		else \
			echo "subdirs: $$d/Makefile not present yet, skipping $$d/"; \
		fi; \
	done

ksft-headers: $(KSFT_STAMP)

$(KSFT_STAMP): $(LINUX_SRC_TAR)
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

demo: deps
	$(MAKE) -C $(TOP) all
	@if [ ! -x $(TOP)/tools/demo/demo-guest.sh ]; then \
		echo "error: tools/demo/demo-guest.sh missing or not executable" >&2; exit 1; fi
	cd $(TOP) && $(RUN_GUEST) --timeout $(DEMO_TIMEOUT) --out $(BUILD)/demo \
		-- tools/demo/demo-guest.sh

# Every step runs even if an earlier check failed (except a failed build,
# which leaves nothing to test); the summary lists what failed.
check:
	@start=$$(date +%s); fail=; \
	$(MAKE) -C $(TOP) deps || { echo "check: FAILED: deps" >&2; exit 1; }; \
	$(MAKE) -C $(TOP) checkpatch || fail="$$fail checkpatch"; \
	$(MAKE) -C $(TOP) sparse || fail="$$fail sparse"; \
	$(MAKE) -C $(TOP) all WERROR=1 || { echo "check: FAILED: build (-Werror)$$fail" >&2; exit 1; }; \
	$(MAKE) -C $(TOP)/lib/tests check || fail="$$fail lib-tests"; \
	$(MAKE) -C $(TOP)/lib/tests guest || fail="$$fail lib-tests-guest"; \
	$(MAKE) -C $(TOP) kselftest || fail="$$fail kselftest"; \
	t=$$(( $$(date +%s) - start )); \
	if [ -n "$$fail" ]; then echo "check: FAILED:$$fail ($${t}s)" >&2; exit 1; fi; \
	echo "check: all passed ($${t}s)"

clean:
	@if [ -d "$(KDIR)" ] && { [ -f $(TOP)/kmod/Kbuild ] || [ -f $(TOP)/kmod/Makefile ]; }; then \
		$(MAKE) -C $(KDIR) M=$(TOP) clean; fi
	@for d in $(SUBDIRS); do \
		if [ -f $(TOP)/$$d/Makefile ]; then $(MAKE) -C $(TOP)/$$d clean; fi; \
	done
	rm -rf $(BUILD)
