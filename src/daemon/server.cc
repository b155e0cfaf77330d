#include "daemon/server.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "common/protocol.h"
#include "daemon/access.h"
#include "daemon/dispatch.h"
#include "daemon/log.h"

namespace ipadm::daemon {

namespace {

Result<sockaddr_un> unix_addr(const std::string& path) {
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  if (path.size() >= sizeof(sa.sun_path)) return Status(Errc::InvalidArg, "socket path too long: " + path);
  std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  return sa;
}

bool send_msg(int fd, const google::protobuf::MessageLite& m) {
  std::string buf;
  if (!m.SerializeToString(&buf) || buf.size() > kMaxMessage) return false;
  ssize_t n;
  do n = send(fd, buf.data(), buf.size(), MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return n == static_cast<ssize_t>(buf.size());
}

}  // namespace

Server::~Server() {
  if (listen_fd_ >= 0) close(listen_fd_);
}

Status Server::listen(const std::string& path) {
  auto sa = unix_addr(path);
  IPADM_TRY(sa);
  int probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (probe < 0) return Status::from_errno(errno, "socket");
  bool live = connect(probe, reinterpret_cast<sockaddr*>(&*sa), sizeof(*sa)) == 0;
  close(probe);
  if (live) return Status(Errc::Exists, "another ipmgmtd is already serving " + path);
  if (unlink(path.c_str()) != 0 && errno != ENOENT)
    return Status::from_errno(errno, "unlink " + path);
  int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return Status::from_errno(errno, "socket");
  if (bind(fd, reinterpret_cast<sockaddr*>(&*sa), sizeof(*sa)) != 0) {
    int e = errno;
    close(fd);
    return Status::from_errno(e, "bind " + path);
  }
  if (chmod(path.c_str(), 0666) != 0 || ::listen(fd, 128) != 0) {
    int e = errno;
    close(fd);
    return Status::from_errno(e, "listen " + path);
  }
  listen_fd_ = fd;
  path_ = path;
  return Status::ok();
}

Status Server::serve(int stop_fd) {
  for (;;) {
    pollfd pfd[2] = {{listen_fd_, POLLIN, 0}, {stop_fd, POLLIN, 0}};
    int n = poll(pfd, 2, tick ? tick_ms : -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::from_errno(errno, "poll");
    }
    if (n == 0) {
      tick();
      continue;
    }
    if (pfd[1].revents) break;
    if (!(pfd[0].revents & POLLIN)) continue;
    int cfd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (cfd < 0) {
      if (errno == EMFILE || errno == ENFILE) {
        log_warn("accept: %s, pausing", std::strerror(errno));
        usleep(100 * 1000);
      }
      continue;
    }
    if (clients_.load() >= max_clients) {
      log_warn("too many clients (%zu), refusing a connection", clients_.load());
      close(cfd);
      continue;
    }
    ++clients_;
    std::thread([this, cfd] {
      serve_conn_(cfd);
      close(cfd);
      --clients_;
    }).detach();
  }
  // Stop: no new connections; wait for requests in flight to finish.
  close(listen_fd_);
  listen_fd_ = -1;
  unlink(path_.c_str());
  // Held until the process exits: no request starts after this point.
  inflight_.lock();
  return Status::ok();
}

namespace {

// Ends a connection the daemon refuses while the client may still have
// requests queued behind its Hello (libipadm pipelines its first request).
// Closing with unread messages would reset the connection, and the client
// could get ECONNRESET before it reads the refusal. So: end our side (the
// client reads the refusal, then EOF), discard what it sent until it closes,
// and give up after 200 ms.
void discard_until_closed(int fd) {
  shutdown(fd, SHUT_WR);
  char sink[512];
  for (int left_ms = 200; left_ms > 0; left_ms -= 20) {
    pollfd p{fd, POLLIN, 0};
    int r = poll(&p, 1, 20);
    if (r < 0 && errno != EINTR) return;
    if (r <= 0) continue;
    ssize_t n = recv(fd, sink, sizeof sink, MSG_DONTWAIT | MSG_TRUNC);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return;  // closed
  }
}

}  // namespace

void Server::serve_conn_(int fd) {
  auto peer = peer_of(fd);
  if (!peer) {
    log_warn("cannot read peer credentials: %s", peer.status().to_string().c_str());
    return;
  }
  Conn conn;
  while (handle_one_(fd, *peer, &conn)) {
  }
}

// Reads and answers one request. Returns false when the connection must end.
bool Server::handle_one_(int fd, const Peer& peer, Conn* conn) {
  bool* greeted = &conn->greeted;
  std::vector<char> buf(kMaxMessage + 1);
  ssize_t n;
  do n = recv(fd, buf.data(), buf.size(), MSG_TRUNC);
  while (n < 0 && errno == EINTR);
  if (n <= 0) return false;
  if (static_cast<size_t>(n) > kMaxMessage) {
    log_debug("pid %d: oversize message (%zd bytes), disconnecting", peer.pid, n);
    return false;
  }
  rpc::Request req;
  if (!req.ParseFromArray(buf.data(), static_cast<int>(n))) {
    log_debug("pid %d: malformed request, disconnecting", peer.pid);
    return false;
  }
  auto access = access_of(req.body_case());
  if (!access) {
    log_debug("pid %d: unknown request, disconnecting", peer.pid);
    return false;
  }
  if (!*greeted) {
    if (req.body_case() != rpc::Request::kHello) return false;
    rpc::Reply r;
    r.set_id(req.id());
    r.mutable_hello()->set_version(kProtocolVersion);
    if (req.hello().version() != kProtocolVersion) {
      r.set_status(static_cast<uint32_t>(Errc::EBade));
      r.set_detail("ipmgmtd speaks protocol version " + std::to_string(kProtocolVersion) +
                   ", the client version " + std::to_string(req.hello().version()) +
                   "; upgrade ipadm and restart ipmgmtd");
      send_msg(fd, r);
      discard_until_closed(fd);
      return false;
    }
    *greeted = true;
    return send_msg(fd, r);
  }
  if (*access == Access::Write && !may_write(peer, auth_gid_)) {
    log_info("pid %d uid %u: write request denied", peer.pid, peer.uid);
    rpc::Reply r;
    r.set_id(req.id());
    r.set_status(static_cast<uint32_t>(Errc::EAuth));
    return send_msg(fd, r);
  }
  if (req.body_case() == rpc::Request::kImportConf) {
    // One import, whole, per connection (docs/protocol.md "Import").
    auto step = conn->import.add(req.import_conf());
    if (!step || *step == ImportAssembly::Step::kMore) {
      rpc::Reply r;
      r.set_id(req.id());
      if (!step) {
        log_info("pid %d uid %u: import refused: %s", peer.pid, peer.uid,
                 step.status().to_string().c_str());
        r.set_status(static_cast<uint32_t>(step.status().code()));
        r.set_detail(step.status().detail());
      }
      return send_msg(fd, r);
    }
    req.mutable_import_conf()->set_text(conn->import.take());
  }
  std::vector<rpc::Reply> replies;
  {
    std::shared_lock lock(inflight_);
    replies = dispatch(svc_, req);
  }
  for (auto& r : replies)
    if (!send_msg(fd, r)) return false;
  return true;
}

}  // namespace ipadm::daemon
