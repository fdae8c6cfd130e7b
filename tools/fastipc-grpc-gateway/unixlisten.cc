// SPDX-License-Identifier: GPL-2.0
/*
 * The export gateway's Unix socket listener (unixlisten.h).
 *
 * A connection's fd number is the key of its credentials, and its socket's
 * inode is kept with them. gRPC closes the fd when the connection ends and
 * the number may be reused; the next accept records its own credentials
 * before the connection can carry a call. A lookup gives the credentials
 * only when fstat() of the number still shows the recorded socket: a
 * number now held by anything else yields no identity, never another's.
 * Lookups happen when a call is created, while gRPC still holds the fd of
 * the call's connection (its transport outlives its calls).
 */
#include <cerrno>
#include <climits>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <grpcpp/server_posix.h>

#include "gateway.h"
#include "unixlisten.h"

namespace gw {

int UnixListener::start(const std::string &path, grpc::Server *server)
{
	struct sockaddr_un sa = {};
	struct stat stb;

	if (path.empty() || path[0] != '/' ||
	    path.size() >= sizeof(sa.sun_path)) {
		log("unix:%s: not an absolute path shorter than %zu bytes",
		    path.c_str(), sizeof(sa.sun_path));
		return -1;
	}
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path.c_str(), path.size() + 1);
	if (lstat(path.c_str(), &stb) == 0) {
		if (!S_ISSOCK(stb.st_mode)) {
			log("unix:%s: exists and is not a socket", path.c_str());
			return -1;
		}
		unlink(path.c_str());
	}
	fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd_ < 0 || pipe2(wake_, O_CLOEXEC) < 0 ||
	    bind(fd_, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd_, 128) < 0) {
		log("unix:%s: %s", path.c_str(), strerror(errno));
		return -1;
	}
	path_ = path;
	server_ = server;
	thread_ = std::thread([this] { loop(); });
	return 0;
}

void UnixListener::loop()
{
	for (;;) {
		struct pollfd p[2] = {{fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			log("unix:%s: poll: %s", path_.c_str(), strerror(errno));
			return;
		}
		if (p[1].revents)
			return;
		int c = accept4(fd_, nullptr, nullptr,
				SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (c < 0) {
			if (errno != EINTR && errno != EAGAIN &&
			    errno != ECONNABORTED)
				log("unix:%s: accept: %s", path_.c_str(),
				    strerror(errno));
			if (errno == EMFILE || errno == ENFILE)
				poll(nullptr, 0, 100);
			continue;
		}
		struct ucred uc = {};
		socklen_t len = sizeof(uc);
		if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &uc, &len) < 0) {
			log("unix:%s: SO_PEERCRED: %s", path_.c_str(),
			    strerror(errno));
			close(c);
			continue;
		}
		struct stat st;
		if (fstat(c, &st) < 0) {
			log("unix:%s: fstat: %s", path_.c_str(),
			    strerror(errno));
			close(c);
			continue;
		}
		{
			std::lock_guard<std::mutex> lk(mu_);
			creds_[c] = Peer{uc, st.st_dev, st.st_ino};
		}
		grpc::AddInsecureChannelFromFd(server_, c);
	}
}

void UnixListener::stop()
{
	if (thread_.joinable()) {
		char b = 0;
		if (write(wake_[1], &b, 1) < 0)
			log("unix:%s: wake: %s", path_.c_str(), strerror(errno));
		thread_.join();
	}
	if (fd_ >= 0) {
		close(fd_);
		unlink(path_.c_str());
		fd_ = -1;
	}
	for (int &w : wake_) {
		if (w >= 0)
			close(w);
		w = -1;
	}
}

void UnixListener::peer_md(const std::string &peer,
			   std::vector<std::pair<std::string, std::string>> *md)
{
	if (peer.rfind("fd:", 0) != 0)
		return;
	char *end;
	long fd = strtol(peer.c_str() + 3, &end, 10);
	if (*end || fd < 0)
		return;
	if (fd > INT_MAX)
		return;
	struct ucred uc;
	{
		std::lock_guard<std::mutex> lk(mu_);
		auto it = creds_.find((int)fd);
		struct stat st;
		/* Under the lock: accept cannot record a new N meanwhile. */
		if (it == creds_.end() || fstat((int)fd, &st) < 0 ||
		    st.st_dev != it->second.dev || st.st_ino != it->second.ino)
			return;
		uc = it->second.uc;
	}
	md->emplace_back("x-fastipc-peer-pid", std::to_string(uc.pid));
	md->emplace_back("x-fastipc-peer-uid", std::to_string(uc.uid));
	md->emplace_back("x-fastipc-peer-gid", std::to_string(uc.gid));
}

} /* namespace gw */
