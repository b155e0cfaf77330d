#include "client/client.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <google/protobuf/io/coded_stream.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <vector>

namespace ipadm::client {

namespace {

Status ipc_error(int err, const std::string& what) {
  return Status(Errc::IpcError, what + ": " + std::strerror(err), err);
}

}  // namespace

Client::Client(Paths paths) : paths_(std::move(paths)) {}

Client::~Client() {
  if (fd_ >= 0) close(fd_);
}

Status Client::connect_() {
  if (fd_ >= 0) return Status::ok();
  const std::string path = paths_.socket();
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  if (path.size() >= sizeof(sa.sun_path)) return Status(Errc::IpcError, "socket path too long");
  std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0) return ipc_error(errno, "socket");
  if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
    int e = errno;
    close(fd);
    return ipc_error(e, path);
  }
  fd_ = fd;
  rpc::Request hello;
  hello.set_id(next_id_++);
  hello.mutable_hello()->set_version(kProtocolVersion);
  if (Status s = send_(hello); !s) {
    close(fd_);
    fd_ = -1;
    return s;
  }
  hello_pending_ = hello.id();
  return Status::ok();
}

// Sends one request and collects its replies. A reply with a non-zero
// status is returned as that Status.
Status Client::send_(const rpc::Request& req) {
  std::string out;
  if (!req.SerializeToString(&out)) return Status(Errc::EBade, "cannot encode request");
  if (out.size() > kMaxMessage) return Status(Errc::NoBufs, "request too large");
  ssize_t n;
  do n = send(fd_, out.data(), out.size(), MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(out.size())) return ipc_error(n < 0 ? errno : EPIPE, "send");
  return Status::ok();
}

Result<rpc::Reply> Client::call_once_(const rpc::Request& req) {
  IPADM_TRY(send_(req));
  if (uint64_t hello = hello_pending_) {
    // The daemon answers the Hello first; a refusal (version) ends here.
    hello_pending_ = 0;
    auto h = receive_(hello);
    if (!h) {
      close(fd_);
      fd_ = -1;
      return h.status();
    }
  }
  return receive_(req.id());
}

Result<rpc::Reply> Client::receive_(uint64_t id) {
  ssize_t n;
  rpc::Reply merged;
  // One buffer for the client's life, not zeroed: a call does not pay for
  // 64 KiB it does not use.
  if (!rbuf_) rbuf_.reset(new char[kMaxMessage + 1]);
  char* buf = rbuf_.get();
  for (;;) {
    do n = recv(fd_, buf, kMaxMessage + 1, MSG_TRUNC);
    while (n < 0 && errno == EINTR);
    if (n <= 0) return ipc_error(n < 0 ? errno : ECONNRESET, "receive");
    if (static_cast<size_t>(n) > kMaxMessage) return Status(Errc::EBade, "oversize reply");
    // Each part is parsed straight into merged: a streamed list's repeated
    // field grows in place, never copied from part to whole. id and more
    // are cleared first, so that they are this part's (proto3 leaves a
    // zero or false field out of the wire).
    merged.clear_id();
    merged.clear_more();
    google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(buf),
                                              static_cast<int>(n));
    if (!merged.MergeFromCodedStream(&in) || !in.ConsumedEntireMessage() || merged.id() != id)
      return Status(Errc::EBade, "malformed reply");
    if (!merged.more()) break;
  }
  merged.set_more(false);
  if (merged.status() != 0)
    return Status(static_cast<Errc>(merged.status()), merged.detail());
  return merged;
}

Result<rpc::Reply> Client::call(rpc::Request req) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool fresh = fd_ < 0;
    IPADM_TRY(connect_());
    req.set_id(next_id_++);
    auto r = call_once_(req);
    // A stale connection (daemon restarted since we connected) fails at
    // send with EPIPE before the request was delivered: reconnect once.
    if (!r && !fresh && r.status().code() == Errc::IpcError &&
        (r.status().sys_errno() == EPIPE || r.status().sys_errno() == ECONNRESET ||
         r.status().sys_errno() == ENOTCONN)) {
      close(fd_);
      fd_ = -1;
      continue;
    }
    return r;
  }
  return Status(Errc::IpcError, "connection lost");
}

namespace {
Status status_of(const Result<rpc::Reply>& r) { return r.status(); }
}  // namespace

Status Client::create_if(const std::string& ifname, bool temporary) {
  rpc::Request q;
  q.mutable_create_if()->set_ifname(ifname);
  q.mutable_create_if()->set_temporary(temporary);
  return status_of(call(std::move(q)));
}

Status Client::delete_if(const std::string& ifname) {
  rpc::Request q;
  q.mutable_delete_if()->set_ifname(ifname);
  return status_of(call(std::move(q)));
}

Status Client::enable_if(const std::string& ifname) {
  rpc::Request q;
  q.mutable_enable_if()->set_ifname(ifname);
  return status_of(call(std::move(q)));
}

Status Client::disable_if(const std::string& ifname) {
  rpc::Request q;
  q.mutable_disable_if()->set_ifname(ifname);
  return status_of(call(std::move(q)));
}

Result<rpc::ShowIfReply> Client::show_if(const std::string& ifname) {
  rpc::Request q;
  q.mutable_show_if()->set_ifname(ifname);
  auto r = call(std::move(q));
  IPADM_TRY(r);
  return std::move(*r->mutable_show_if());
}

Status Client::create_addr(const rpc::CreateAddrReq& req) {
  rpc::Request q;
  *q.mutable_create_addr() = req;
  return status_of(call(std::move(q)));
}

Status Client::delete_addr(const std::string& aobjname, bool release) {
  rpc::Request q;
  q.mutable_delete_addr()->set_aobjname(aobjname);
  q.mutable_delete_addr()->set_release(release);
  return status_of(call(std::move(q)));
}

Result<rpc::ShowAddrReply> Client::show_addr(const std::string& aobjname,
                                             const std::string& ifname) {
  rpc::Request q;
  q.mutable_show_addr()->set_aobjname(aobjname);
  q.mutable_show_addr()->set_ifname(ifname);
  auto r = call(std::move(q));
  IPADM_TRY(r);
  return std::move(*r->mutable_show_addr());  // no copy of a long listing
}

Status Client::addr_op(rpc::Request::BodyCase op, const rpc::AddrObjReq& req) {
  rpc::Request q;
  switch (op) {
    case rpc::Request::kUpAddr: *q.mutable_up_addr() = req; break;
    case rpc::Request::kDownAddr: *q.mutable_down_addr() = req; break;
    case rpc::Request::kEnableAddr: *q.mutable_enable_addr() = req; break;
    case rpc::Request::kDisableAddr: *q.mutable_disable_addr() = req; break;
    case rpc::Request::kRefreshAddr: *q.mutable_refresh_addr() = req; break;
    default: return Status(Errc::InvalidArg, "not an address operation");
  }
  return status_of(call(std::move(q)));
}

Result<rpc::WaitOnlineReply> Client::wait_online(const std::vector<std::string>& names) {
  rpc::Request q;
  for (const std::string& n : names) q.mutable_wait_online()->add_names(n);
  q.mutable_wait_online();  // set even when no name is given
  auto r = call(std::move(q));
  IPADM_TRY(r);
  return std::move(*r->mutable_wait_online());
}

Status Client::set_prop(const rpc::SetPropReq& req) {
  rpc::Request q;
  *q.mutable_set_prop() = req;
  return status_of(call(std::move(q)));
}

Result<rpc::ShowPropReply> Client::show_prop(const rpc::ShowPropReq& req) {
  rpc::Request q;
  *q.mutable_show_prop() = req;
  auto r = call(std::move(q));
  IPADM_TRY(r);
  return std::move(*r->mutable_show_prop());
}

Status Client::create_route(const rpc::CreateRouteReq& req) {
  rpc::Request q;
  *q.mutable_create_route() = req;
  return status_of(call(std::move(q)));
}

Status Client::delete_route(const rpc::DeleteRouteReq& req) {
  rpc::Request q;
  *q.mutable_delete_route() = req;
  return status_of(call(std::move(q)));
}

Result<rpc::ShowRouteReply> Client::show_route(const std::string& ifname) {
  rpc::Request q;
  q.mutable_show_route()->set_ifname(ifname);
  auto r = call(std::move(q));
  IPADM_TRY(r);
  return std::move(*r->mutable_show_route());
}

Result<rpc::RestoreReply> Client::restore() {
  rpc::Request q;
  q.mutable_restore();
  auto r = call(std::move(q));
  IPADM_TRY(r);
  return std::move(*r->mutable_restore());
}

Result<std::string> Client::export_conf(const std::string& format) {
  rpc::Request q;
  q.mutable_export_conf()->set_format(format);
  auto r = call(std::move(q));
  IPADM_TRY(r);
  std::string text;
  for (const auto& c : r->export_conf().chunk()) text += c;
  return text;
}

Result<rpc::ImportReply> Client::import_conf(const std::string& text, bool allow_empty) {
  constexpr size_t kChunk = kReplyChunk;
  size_t off = 0;
  do {
    rpc::Request q;
    size_t n = std::min(kChunk, text.size() - off);
    rpc::ImportReq* c = q.mutable_import_conf();
    c->set_text(text.substr(off, n));
    c->set_offset(off);
    c->set_total(text.size());
    c->set_allow_empty(allow_empty);
    off += n;
    c->set_more(off < text.size());
    auto r = call(std::move(q));
    IPADM_TRY(r);
    if (off >= text.size()) return r->import_conf();
  } while (true);
}

}  // namespace ipadm::client
