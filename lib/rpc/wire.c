// SPDX-License-Identifier: LGPL-2.1 OR MIT
/*
 * The method signature hash of the wire format: FNV-1a 32 over
 * "/pkg.Svc/Method pkg.InputType pkg.OutputType", sent in every request
 * header so that a server can refuse a call bound to another signature.
 */
#include "rpc-int.h"

#define FNV32_BASIS	2166136261U
#define FNV32_PRIME	16777619U

static uint32_t fnv1a_str(uint32_t h, const char *s)
{
	for (; s && *s; s++) {
		h ^= (unsigned char)*s;
		h *= FNV32_PRIME;
	}
	return h;
}

__public uint32_t fastipc_rpc_hash_names(const char *service,
					 const char *method, const char *input,
					 const char *output)
{
	uint32_t h = FNV32_BASIS;

	h = fnv1a_str(h, "/");
	h = fnv1a_str(h, service);
	h = fnv1a_str(h, "/");
	h = fnv1a_str(h, method);
	h = fnv1a_str(h, " ");
	h = fnv1a_str(h, input);
	h = fnv1a_str(h, " ");
	return fnv1a_str(h, output);
}

__public uint32_t fastipc_rpc_hash(const char *service,
				   const ProtobufCMethodDescriptor *m)
{
	return fastipc_rpc_hash_names(service, m->name, m->input->name,
				      m->output->name);
}
