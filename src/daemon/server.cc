#include "daemon/server.h"

#include <malloc.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "common/protocol.h"
#include "daemon/conn_io.h"
#include "daemon/dispatch.h"
#include "daemon/log.h"
#include "daemon/log_limit.h"

namespace ipadm::daemon {

namespace {

Result<sockaddr_un> unix_addr(const std::string& path) {
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  if (path.size() >= sizeof(sa.sun_path)) return Status(Errc::InvalidArg, "socket path too long: " + path);
  std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  return sa;
}

// Runs f on a detached thread; false (logged) when no thread can be made
// (EAGAIN: a task limit), so the accept loop never dies of it.
template <typename F>
bool spawn(F&& f) {
  try {
    std::thread(std::forward<F>(f)).detach();
    return true;
  } catch (const std::system_error& e) {
    log_peer(PeerEvent::Refused, "cannot start a connection thread: %s", e.what());
    return false;
  }
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

struct Server::Conn {
  int fd;
  Peer peer;
  bool authorized;
  bool greeted = false;
  ImportAssembly import;  // the import in progress
};

Status Server::serve(int stop_fd) {
  // One thread per connection would otherwise get up to 8 malloc arenas per
  // CPU, each keeping freed reply memory: two bound the daemon's RSS to what
  // the reply budget and the connection caps allow (docs/reliability.md).
  mallopt(M_ARENA_MAX, 2);
  admission_ = std::make_shared<Admission>(limits);
  budget_ = std::make_shared<ReplyBudget>(unauthorized_reply_bytes);
  // Wakes at least every second: the log's suppression summaries, and
  // tick() when it is due.
  using Clock = std::chrono::steady_clock;
  auto next_tick = Clock::now() + std::chrono::milliseconds(tick_ms);
  for (;;) {
    pollfd pfd[2] = {{listen_fd_, POLLIN, 0}, {stop_fd, POLLIN, 0}};
    int n = poll(pfd, 2, 1000);
    if (n < 0 && errno != EINTR) return Status::from_errno(errno, "poll");
    log_peer_flush();
    if (tick && Clock::now() >= next_tick) {
      tick();
      next_tick = Clock::now() + std::chrono::milliseconds(tick_ms);
    }
    if (n <= 0) continue;
    if (pfd[1].revents) break;
    if (pfd[0].revents & POLLIN) accept_one_();
  }
  // Stop: no new connections; wait for requests in flight to finish.
  close(listen_fd_);
  listen_fd_ = -1;
  unlink(path_.c_str());
  // Held until the process exits: no request starts after this point.
  inflight_.lock();
  return Status::ok();
}

// Accepts one connection and admits it (a thread of its own) or refuses it.
void Server::accept_one_() {
  int cfd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (cfd < 0) {
    if (errno == EMFILE || errno == ENFILE) {
      log_peer(PeerEvent::Refused, "accept: %s, pausing", std::strerror(errno));
      usleep(100 * 1000);
    }
    return;
  }
  auto peer = peer_of(cfd);
  if (!peer) {
    log_warn("cannot read peer credentials: %s", peer.status().to_string().c_str());
    close(cfd);
    return;
  }
  bool authorized = may_write(*peer, auth_gid_);
  auto verdict = admission_->enter(peer->uid, authorized);
  if (verdict != Admission::Verdict::Admit) {
    log_peer(PeerEvent::Refused, "pid %d uid %u: connection refused (%s)", peer->pid, peer->uid,
             std::string(verdict_name(verdict)).c_str());
    // The count outlives the Server: a refusal's thread is detached and may
    // end after serve() returned.
    auto refusing = refusing_;
    if (refusing->fetch_add(1) >= max_refusing) {
      --*refusing;
      close(cfd);
      return;
    }
    if (!spawn([refusing, cfd, detail = admission_->refusal(verdict)] {
          refuse_(cfd, detail);
          --*refusing;
        })) {
      --*refusing;
      close(cfd);
    }
    return;
  }
  if (!spawn([this, adm = admission_, conn = Conn{cfd, *peer, authorized, false, {}}]() mutable {
        serve_conn_(conn);
        close(conn.fd);
        adm->leave(conn.peer.uid, conn.authorized);
      })) {
    admission_->leave(peer->uid, authorized);
    close(cfd);
  }
}

// Answers a refused connection's Hello with the reason (the client prints
// "Could not communicate with ipmgmtd: Too many connections ..."), then
// closes it. The Hello is awaited briefly: its id must be echoed.
void Server::refuse_(int fd, const std::string& detail) {
  std::string bytes;
  rpc::Request req;
  if (recv_datagram(fd, 200, kMaxMessage, &bytes) == Recv::Message &&
      req.ParseFromString(bytes) && req.body_case() == rpc::Request::kHello) {
    rpc::Reply r;
    r.set_id(req.id());
    r.mutable_hello()->set_version(kProtocolVersion);
    r.set_status(static_cast<uint32_t>(Errc::IpcError));
    r.set_detail(detail);
    std::string out;
    if (r.SerializeToString(&out)) (void)send_datagram(fd, out, 200);
  }
  discard_until_closed(fd);
  close(fd);
}

void Server::serve_conn_(Conn& conn) {
  using Clock = std::chrono::steady_clock;
  auto hello_by = Clock::now() + std::chrono::milliseconds(hello_timeout_ms);
  std::string bytes;
  int armed_ms = -1;  // the socket's receive time-out (recv_datagram)
  for (;;) {
    int timeout = idle_timeout_ms;
    if (!conn.greeted) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(hello_by - Clock::now());
      timeout = static_cast<int>(std::max<long long>(0, left.count()));
    }
    switch (recv_datagram(conn.fd, timeout, kMaxMessage, &bytes, &armed_ms)) {
      case Recv::Message:
        break;
      case Recv::Closed:
        return;
      case Recv::Timeout:
        log_peer(PeerEvent::Timeout, "pid %d uid %u: %s, disconnecting", conn.peer.pid,
                 conn.peer.uid, conn.greeted ? "idle connection" : "no Hello in time");
        return;
      case Recv::Oversize:
        log_peer(PeerEvent::Protocol, "pid %d uid %u: oversize message, disconnecting",
                 conn.peer.pid, conn.peer.uid);
        return;
    }
    if (!handle_one_(conn, bytes)) return;
  }
}

std::unique_ptr<ReplySource> Server::run_(const rpc::Request& req) {
  std::shared_lock lock(inflight_);
  return answer(svc_, req);
}

// Reads and answers one request. Returns false when the connection must end.
bool Server::handle_one_(Conn& conn, const std::string& bytes) {
  const Peer& peer = conn.peer;
  rpc::Request req;
  if (!req.ParseFromString(bytes)) {
    log_peer(PeerEvent::Protocol, "pid %d uid %u: malformed request, disconnecting", peer.pid,
             peer.uid);
    return false;
  }
  const Method* method = method_of(req.body_case());
  if (!method) {
    log_peer(PeerEvent::Protocol, "pid %d uid %u: unknown request, disconnecting", peer.pid,
             peer.uid);
    return false;
  }
  if (!conn.greeted) {
    if (req.body_case() != rpc::Request::kHello) {
      log_peer(PeerEvent::Protocol, "pid %d uid %u: no Hello, disconnecting", peer.pid, peer.uid);
      return false;
    }
    rpc::Reply r;
    r.set_id(req.id());
    r.mutable_hello()->set_version(kProtocolVersion);
    if (req.hello().version() != kProtocolVersion) {
      r.set_status(static_cast<uint32_t>(Errc::EBade));
      r.set_detail("ipmgmtd speaks protocol version " + std::to_string(kProtocolVersion) +
                   ", the client version " + std::to_string(req.hello().version()) +
                   "; upgrade ipadm and restart ipmgmtd");
      send_reply_(conn, std::move(r));
      discard_until_closed(conn.fd);
      return false;
    }
    conn.greeted = true;
    return send_reply_(conn, std::move(r));
  }
  if (method->access == Access::Write && !conn.authorized) {
    log_peer(PeerEvent::Denied, "pid %d uid %u: write request denied", peer.pid, peer.uid);
    rpc::Reply r;
    r.set_id(req.id());
    r.set_status(static_cast<uint32_t>(Errc::EAuth));
    return send_reply_(conn, std::move(r));
  }
  if (req.body_case() == rpc::Request::kImportConf) {
    // One import, whole, per connection (docs/protocol.md "Import").
    auto step = conn.import.add(req.import_conf());
    if (!step || *step == ImportAssembly::Step::kMore) {
      rpc::Reply r;
      r.set_id(req.id());
      if (!step) {
        log_peer(PeerEvent::Protocol, "pid %d uid %u: import refused: %s", peer.pid, peer.uid,
                 step.status().to_string().c_str());
        r.set_status(static_cast<uint32_t>(step.status().code()));
        r.set_detail(step.status().detail());
      }
      return send_reply_(conn, std::move(r));
    }
    req.mutable_import_conf()->set_text(conn.import.take());
  }
  if (!conn.authorized) return answer_unauthorized_(conn, req);
  return send_source_(conn, *run_(req));
}

// Unauthorized peers: at most kUnauthorizedInService of their requests are
// in the Service at once, so a request of root or the -G group waits behind
// at most that many; a reply of several datagrams is charged to the shared
// budget while held (its held_bytes(); one datagram's worth is bounded by
// the connection caps). A listing (show-addr) is opened in the Service and
// its rows are built as they are sent, outside that count: they read a
// snapshot and take no lock, and its charge bounds what it holds. When
// the last reply of the same request type was large, its size is charged
// before building, so a connection waiting for room builds nothing; else
// the charge follows the build, and a reply that does not fit is dropped,
// waited for (holding nothing) and built again. No room within
// stall_timeout_ms: IPADM_NO_BUFS.
bool Server::answer_unauthorized_(Conn& conn, const rpc::Request& req) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(stall_timeout_ms);
  auto& estimate = last_size_[static_cast<size_t>(req.body_case()) % last_size_.size()];
  size_t charged = 0;
  if (size_t guess = estimate.load(); guess > kReplyChunk) {
    if (!budget_->charge_when_fits(guess, until)) return refuse_for_budget_(conn, req);
    charged = guess;
  }
  for (;;) {
    std::unique_ptr<ReplySource> reply;
    {
      std::lock_guard gate(unauthorized_gate_);
      reply = run_(req);
    }
    size_t n = reply->held_bytes();
    estimate.store(n);
    if (n <= kReplyChunk) {
      if (charged) budget_->release(charged);
      return send_source_(conn, *reply);
    }
    if (charged) {
      budget_->recharge(charged, n);
    } else if (!budget_->try_charge(n)) {
      reply.reset();
      if (!budget_->charge_when_fits(n, until)) return refuse_for_budget_(conn, req);
      charged = n;
      continue;  // build it again, charged
    }
    charged = n;
    bool ok = send_source_(conn, *reply);
    reply.reset();
    budget_->release(charged);
    return ok;
  }
}

bool Server::refuse_for_budget_(Conn& conn, const rpc::Request& req) {
  log_peer(PeerEvent::Stalled, "pid %d uid %u: reply budget exhausted, request refused",
           conn.peer.pid, conn.peer.uid);
  rpc::Reply reply;
  reply.set_id(req.id());
  reply.set_status(static_cast<uint32_t>(Errc::NoBufs));
  reply.set_detail("too many replies pending for unprivileged clients, try again later");
  return send_reply_(conn, std::move(reply));
}

bool Server::send_reply_(Conn& conn, rpc::Reply reply) {
  ReplyChunker chunks(std::move(reply));
  return send_source_(conn, chunks);
}

// Sends a reply in datagrams, each built as the previous one is accepted.
bool Server::send_source_(Conn& conn, ReplySource& src) {
  std::string out;
  while (const rpc::Reply* part = src.next()) {
    if (!part->SerializeToString(&out) || out.size() > kMaxMessage) return false;
    switch (send_datagram(conn.fd, out, stall_timeout_ms)) {
      case Send::Sent:
        break;
      case Send::Closed:
        return false;
      case Send::Stalled:
        log_peer(PeerEvent::Stalled, "pid %d uid %u: reply not read for %d ms, disconnecting",
                 conn.peer.pid, conn.peer.uid, stall_timeout_ms);
        return false;
    }
  }
  return true;
}

}  // namespace ipadm::daemon
