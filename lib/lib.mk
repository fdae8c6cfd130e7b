# SPDX-License-Identifier: LGPL-2.1 OR MIT
#
# What the three libraries (lib, lib/rpc, lib/oncrpc) build the same way:
# $(LIB_NAME).so.$(VERSION) with soname .so.$(VERSION_MAJOR) and a version
# script, the .so link, a static archive, an installed and an in-tree
# ("-uninstalled") .pc, install/uninstall, and `make check` (exports match
# the map, a consumer built from the .pc alone links and runs).
#
# A library's Makefile sets SRCDIR and TOP, then these, then includes this
# file, then adds its own rules:
#   LIB_NAME          libfoo (files libfoo.so.*, libfoo.a)
#   LIB_PC            the .pc base name (foo: foo.pc, foo-uninstalled.pc)
#   LIB_MAP           the version script, in $(SRCDIR)
#   LIB_SRCS          the .c files, in $(SRCDIR)
#   LIB_OBJS_EXTRA    more objects (their rules are the Makefile's)
#   LIB_CFLAGS        more compiler flags (include dirs, defines)
#   LIB_LDLIBS        what the shared object links against
#   LIB_LINK_DEPS     more prerequisites of the shared object
#   LIB_OBJ_DEPS      prerequisites of every object (generated headers)
#   LIB_HEADERS       files installed into $(INCLUDEDIR)
#   LIB_PC_SED        more sed expressions for the installed .pc
#   LIB_PC_SED_UNINST more sed expressions for the in-tree .pc
#   LIB_INSTALL_EXTRA a target run by `make install` for more files
#   LIB_INSTALLED_EXTRA files that target installs (for uninstall)
#   LIB_RMDIRS        directories uninstall removes when empty
#   LIB_CLEAN_EXTRA   more files `make clean` removes
#   LIB_EXPORT_FILTER a filter of the exported names before the comparison
#   LIB_CHECK_SRC     the consumer's source (a printf format)
#   LIB_CHECK_PC      the pkg-config name the consumer is built with
#   LIB_CHECK_LDFLAGS more link flags for the consumer
#   LIB_CHECK_EXPECT  what the consumer must print
#   LIB_CHECK_DEPS    more prerequisites of `make check`

O ?= $(SRCDIR)
OUT := $(abspath $(O))
LIBOUT ?= $(TOP)/lib

VERSION := $(shell cat $(TOP)/VERSION 2>/dev/null)
ifeq ($(VERSION),)
$(error $(TOP)/VERSION is missing or empty)
endif
VERSION_MAJOR := $(word 1,$(subst ., ,$(VERSION)))
VERSION_MINOR := $(word 2,$(subst ., ,$(VERSION)))

PREFIX ?= /usr/local
MULTIARCH := $(shell $(or $(CC),cc) -print-multiarch 2>/dev/null)
LIBDIR ?= $(PREFIX)/lib$(if $(MULTIARCH),/$(MULTIARCH))
INCLUDEDIR ?= $(PREFIX)/include

CC ?= cc
AR ?= ar
CFLAGS ?= -O2 -g
FIPC_CFLAGS = -std=gnu11 -Wall -Wextra -Werror -fPIC -fvisibility=hidden \
	-pthread $(LIB_CFLAGS) -I$(TOP)/kmod/include/uapi

SONAME := $(LIB_NAME).so.$(VERSION_MAJOR)
LIBNAME := $(LIB_NAME).so.$(VERSION)
OBJS := $(addprefix $(OUT)/,$(LIB_SRCS:.c=.o)) $(LIB_OBJS_EXTRA)
LIBFASTIPC_SO := $(LIBOUT)/libfastipc.so
LIB_EXPORT_FILTER ?= cat
LIB_CHECK_PC ?= $(LIB_PC)-uninstalled

# Installed .pc (and the in-tree copy built by `all`): the paths of this run.
PC_SED = -e 's|@VERSION@|$(VERSION)|' -e 's|@PREFIX@|$(PREFIX)|' \
	-e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' $(LIB_PC_SED)
# In-tree use: PKG_CONFIG_PATH=$(OUT):$(LIBOUT) pkg-config $(LIB_PC)-uninstalled,
# the tree's headers and an rpath to $(OUT), so that a program linked in the
# tree runs without LD_LIBRARY_PATH (the installed .pc has none).
PC_SED_UNINST = -e 's|@VERSION@|$(VERSION)|' -e 's|@PREFIX@|$(TOP)|' \
	-e 's|@LIBDIR@|$(OUT)|' -e 's|@INCLUDEDIR@|$(SRCDIR)/include|' \
	$(LIB_PC_SED_UNINST) \
	-e 's|^Requires: fastipc|Requires: fastipc-uninstalled|' \
	-e 's|^Libs: .*|& -Wl,-rpath,$${libdir}|'

all: $(OUT)/$(LIBNAME) $(OUT)/$(SONAME) $(OUT)/$(LIB_NAME).so \
	$(OUT)/$(LIB_NAME).a $(OUT)/$(LIB_PC).pc $(OUT)/$(LIB_PC)-uninstalled.pc

# The version is on their command line (LIB_CFLAGS): a new one rebuilds
# them. After `all`, which must stay the first target: `make -C lib` builds
# what `all` does.
$(OBJS): $(TOP)/VERSION

$(OUT)/%.o: $(SRCDIR)/%.c $(LIB_OBJ_DEPS)
	@mkdir -p $(OUT)
	$(CC) $(CPPFLAGS) $(FIPC_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(OUT)/$(LIBNAME): $(OBJS) $(SRCDIR)/$(LIB_MAP) $(LIB_LINK_DEPS)
	$(CC) $(CFLAGS) -shared -pthread -Wl,-soname,$(SONAME) \
		-Wl,--version-script=$(SRCDIR)/$(LIB_MAP) -Wl,-z,defs \
		-o $@ $(OBJS) $(LIB_LDLIBS) $(LDFLAGS)

$(OUT)/$(SONAME): $(OUT)/$(LIBNAME)
	ln -sf $(LIBNAME) $@

$(OUT)/$(LIB_NAME).so: $(OUT)/$(SONAME)
	ln -sf $(SONAME) $@

$(OUT)/$(LIB_NAME).a: $(OBJS)
	rm -f $@
	$(AR) rcs $@ $(OBJS)

$(OUT)/$(LIB_PC).pc: $(SRCDIR)/$(LIB_PC).pc.in $(TOP)/VERSION
	sed $(PC_SED) $< > $@

$(OUT)/$(LIB_PC)-uninstalled.pc: $(SRCDIR)/$(LIB_PC).pc.in $(TOP)/VERSION \
		$(SRCDIR)/Makefile $(TOP)/lib/lib.mk
	sed $(PC_SED_UNINST) $< > $@

INSTALLED = $(addprefix $(DESTDIR)$(INCLUDEDIR)/,$(notdir $(LIB_HEADERS))) \
	$(DESTDIR)$(LIBDIR)/$(LIBNAME) $(DESTDIR)$(LIBDIR)/$(SONAME) \
	$(DESTDIR)$(LIBDIR)/$(LIB_NAME).so $(DESTDIR)$(LIBDIR)/$(LIB_NAME).a \
	$(DESTDIR)$(LIBDIR)/pkgconfig/$(LIB_PC).pc $(LIB_INSTALLED_EXTRA)

# The installed .pc is written here, from the PREFIX/LIBDIR/INCLUDEDIR of
# this run (the one built by `all` may carry another PREFIX). ldconfig runs
# for a real install (DESTDIR empty) only.
install: all $(LIB_INSTALL_EXTRA)
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)
	install -m 644 $(LIB_HEADERS) $(DESTDIR)$(INCLUDEDIR)/
	install -m 755 $(OUT)/$(LIBNAME) $(DESTDIR)$(LIBDIR)/
	ln -sf $(LIBNAME) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/$(LIB_NAME).so
	install -m 644 $(OUT)/$(LIB_NAME).a $(DESTDIR)$(LIBDIR)/
	sed $(PC_SED) $(SRCDIR)/$(LIB_PC).pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/$(LIB_PC).pc
	chmod 644 $(DESTDIR)$(LIBDIR)/pkgconfig/$(LIB_PC).pc
	@if [ -z "$(DESTDIR)" ] && command -v ldconfig >/dev/null; then ldconfig; fi

uninstall:
	rm -f $(INSTALLED)
	$(if $(LIB_RMDIRS),rmdir --ignore-fail-on-non-empty $(LIB_RMDIRS) 2>/dev/null || true)
	@if [ -z "$(DESTDIR)" ] && command -v ldconfig >/dev/null; then ldconfig; fi

# Exported symbols must be exactly the map's.
check: all $(LIB_CHECK_DEPS)
	@nm -D --defined-only $(OUT)/$(LIBNAME) | awk '$$2 == "T" {print $$3}' \
		| sed 's/@.*//' | $(LIB_EXPORT_FILTER) | sort > $(OUT)/.exports
	@sed -n 's/^\t\t\([a-z][a-z0-9_]*\);$$/\1/p' $(SRCDIR)/$(LIB_MAP) \
		| sort > $(OUT)/.map-exports
	@diff -u $(OUT)/.map-exports $(OUT)/.exports
	@printf '$(LIB_CHECK_SRC)' > $(OUT)/.consumer.c
	$(CC) -Wall -Wextra -Werror -o $(OUT)/.consumer $(OUT)/.consumer.c \
		$(LIB_CHECK_LDFLAGS) \
		$$(PKG_CONFIG_PATH=$(OUT):$(LIBOUT) pkg-config --cflags --libs $(LIB_CHECK_PC))
	@test "$$($(OUT)/.consumer)" = "$(LIB_CHECK_EXPECT)"
	@echo "$(LIB_NAME) check: exports match $(LIB_MAP), consumer links and runs"

clean:
	rm -f $(OBJS) $(OBJS:.o=.d) $(OUT)/$(LIBNAME) $(OUT)/$(SONAME) \
		$(OUT)/$(LIB_NAME).so $(OUT)/$(LIB_NAME).a $(OUT)/$(LIB_PC).pc \
		$(OUT)/$(LIB_PC)-uninstalled.pc $(OUT)/.exports \
		$(OUT)/.map-exports $(OUT)/.consumer $(OUT)/.consumer.c \
		$(LIB_CLEAN_EXTRA)

.PHONY: all install uninstall check clean $(LIB_INSTALL_EXTRA) $(LIB_CHECK_DEPS)

-include $(OBJS:.o=.d)
