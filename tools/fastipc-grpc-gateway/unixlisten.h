/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The export gateway's Unix socket: accepted here, not by gRPC, so that
 * the peer's SO_PEERCRED can be read (gRPC 1.51 has no API for it). Each
 * connection goes to the server with grpc::AddInsecureChannelFromFd(),
 * whose calls then have the peer string "fd:N": peer_md() finds N's
 * credentials, recorded at accept with the socket's inode, and gives them
 * only while fd N is still that socket.
 */
#ifndef FASTIPC_GRPC_GATEWAY_UNIXLISTEN_H
#define FASTIPC_GRPC_GATEWAY_UNIXLISTEN_H

#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <sys/socket.h>
#include <sys/types.h>

#include <grpcpp/server.h>

namespace gw {

class UnixListener {
public:
	~UnixListener() { stop(); }
	/*
	 * Listen on @path (a stale socket there is replaced; anything else
	 * is an error) and hand connections to @server from a thread.
	 * Return: 0, or -1 after logging why not.
	 */
	int start(const std::string &path, grpc::Server *server);
	/* Stop accepting, remove the socket file. Idempotent. */
	void stop();
	/*
	 * Append "x-fastipc-peer-pid", "-uid", "-gid" to @md when @peer is
	 * "fd:N" of a connection accepted here and fd N is still its socket
	 * (same device and inode); nothing otherwise. Call it while the
	 * call is alive (gRPC keeps its connection's fd open until then):
	 * when the call is created.
	 */
	void peer_md(const std::string &peer,
		     std::vector<std::pair<std::string, std::string>> *md);

private:
	void loop();

	std::string path_;
	grpc::Server *server_ = nullptr;
	int fd_ = -1;
	int wake_[2] = {-1, -1};
	std::thread thread_;
	std::mutex mu_;
	struct Peer {
		struct ucred uc;
		dev_t dev;
		ino_t ino;
	};
	std::map<int, Peer> creds_;	/* by fd number */
};

} /* namespace gw */

#endif
