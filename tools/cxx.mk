# SPDX-License-Identifier: GPL-2.0
#
# What the C++ tools (fastipc-call, fastipc-grpc-gateway, and
# fastipc-bench's gRPC mechanism) build the same way: pkg-config
# detection of their C++ libraries, the flags, the static
# libfastipc-rpc.a and libfastipc.a they link, and protoc --cpp_out.
#
# A tool's Makefile sets SRCDIR and TOP, then:
#   CXX_PKGS        the pkg-config modules it needs (e.g. protobuf)
#   CXX_NEEDS_PROTOC  1 when it also needs protoc
#   CXX_INCLUDES    more -I flags (before the tree's)
# then includes this file, which sets:
#   CXX_OK          1 when all of them are there (else the tool says so)
#   FIPC_CXXFLAGS   compiler flags; CXX_LIBS: the modules' link flags
#   FIPC_RPC_LIBS   what to link after the objects (libfastipc-rpc.a,
#                   libfastipc.a, protobuf-c, $(CXX_LIBS))
# and the rules for the two static libraries (built only when missing:
# the top-level Makefile builds lib/ first) and $(OUT)/%.pb.cc/.pb.h from
# $(CXX_PROTO_DIR)/%.proto.

.DEFAULT_GOAL := all

O ?= $(SRCDIR)
OUT := $(abspath $(O))
LIBOUT ?= $(TOP)/lib
RPCOUT ?= $(TOP)/lib/rpc

CXX ?= c++
PKG_CONFIG ?= pkg-config
PROTOC ?= protoc
CXXFLAGS ?= -O2 -g

CXX_OK := $(shell $(PKG_CONFIG) --exists $(CXX_PKGS) 2>/dev/null && \
	$(if $(CXX_NEEDS_PROTOC),command -v $(PROTOC) >/dev/null &&) echo 1)
CXX_LIBS := $(if $(CXX_OK),$(shell $(PKG_CONFIG) --libs $(CXX_PKGS)))

FIPC_CXXFLAGS := -std=c++17 -Wall -Wextra -Werror -pthread $(CXX_INCLUDES) \
	-I$(TOP)/lib/include -I$(TOP)/kmod/include/uapi \
	-I$(TOP)/lib/rpc/include -I$(RPCOUT) \
	$(if $(CXX_OK),$(shell $(PKG_CONFIG) --cflags $(CXX_PKGS)))

LIBFASTIPC := $(LIBOUT)/libfastipc.a
LIBFASTIPC_RPC := $(RPCOUT)/libfastipc-rpc.a
FIPC_RPC_LIBS = $(LIBFASTIPC_RPC) $(LIBFASTIPC) -lprotobuf-c $(CXX_LIBS)

$(LIBFASTIPC):
	$(MAKE) -C $(TOP)/lib O=$(LIBOUT)

$(LIBFASTIPC_RPC): $(LIBFASTIPC)
	$(MAKE) -C $(TOP)/lib/rpc O=$(RPCOUT) LIBOUT=$(LIBOUT)

$(OUT)/%.pb.cc $(OUT)/%.pb.h: $(CXX_PROTO_DIR)/%.proto
	@mkdir -p $(OUT)
	$(PROTOC) --cpp_out=$(OUT) -I$(CXX_PROTO_DIR) $<
