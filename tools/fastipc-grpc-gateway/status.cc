// SPDX-License-Identifier: GPL-2.0
/*
 * Status codes both ways. fastipc-rpc's codes are gRPC's canonical codes
 * with gRPC's numbers (fastipc-rpc.h), so a code crosses the gateway as
 * it is and its message with it; only a number outside 0..16, which
 * neither side should send, becomes UNKNOWN.
 */
#include <chrono>

#include "gateway.h"

namespace gw {

grpc::Status to_grpc(int code, const std::string &message)
{
	if (code == FASTIPC_RPC_OK)
		return grpc::Status::OK;
	if (code < 0 || code > FASTIPC_RPC_CODE_MAX)
		return grpc::Status(grpc::StatusCode::UNKNOWN,
				    "status code " + std::to_string(code) +
				    ": " + message);
	return grpc::Status(static_cast<grpc::StatusCode>(code), message);
}

grpc::Status to_grpc(const struct fastipc_rpc_status &st)
{
	return to_grpc(st.code, st.message);
}

int from_grpc(const grpc::Status &s)
{
	int code = static_cast<int>(s.error_code());

	if (code < 0 || code > FASTIPC_RPC_CODE_MAX)
		return FASTIPC_RPC_UNKNOWN;
	return code;
}

uint64_t ns_left(std::chrono::system_clock::time_point deadline)
{
	using namespace std::chrono;

	if (deadline == system_clock::time_point::max())
		return FASTIPC_TIMEOUT_INF;
	auto left = duration_cast<nanoseconds>(deadline - system_clock::now());
	if (left.count() <= 0)
		return 0;
	if ((uint64_t)left.count() >= FASTIPC_TIMEOUT_INF)
		return FASTIPC_TIMEOUT_INF;
	return left.count();
}

} /* namespace gw */
