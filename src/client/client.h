// libipadm: the client side of the ipmgmtd RPC.
//
// A Client holds one connection to the daemon of one instance (root prefix).
// It connects lazily, performs the version handshake, and reconnects once if
// the daemon restarted in between (the illumos EBADF retry). Each call is
// synchronous; list replies are collected from the streamed messages.
// Errors: IpcError when the daemon cannot be reached, EBade on a protocol
// mismatch, otherwise the daemon's status. Not thread-safe; use one Client
// per thread. Never prints or logs.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/paths.h"
#include "common/protocol.h"
#include "common/status.h"
#include "ipmgmt.pb.h"

namespace ipadm::client {

class Client {
 public:
  explicit Client(Paths paths);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  Status create_if(const std::string& ifname, bool temporary);
  Status delete_if(const std::string& ifname);
  Status enable_if(const std::string& ifname);
  Status disable_if(const std::string& ifname);
  Result<rpc::ShowIfReply> show_if(const std::string& ifname);

  Status create_addr(const rpc::CreateAddrReq& req);
  Status delete_addr(const std::string& aobjname, bool release);
  Result<rpc::ShowAddrReply> show_addr(const std::string& aobjname, const std::string& ifname);
  // up-addr, down-addr, enable-addr, disable-addr, refresh-addr.
  Status addr_op(rpc::Request::BodyCase op, const rpc::AddrObjReq& req);

  Status set_prop(const rpc::SetPropReq& req);
  Result<rpc::ShowPropReply> show_prop(const rpc::ShowPropReq& req);

  Status create_route(const rpc::CreateRouteReq& req);
  Status delete_route(const rpc::DeleteRouteReq& req);
  Result<rpc::ShowRouteReply> show_route(const std::string& ifname);

  Result<rpc::RestoreReply> restore();
  Result<std::string> export_conf(const std::string& format);
  // Replaces the persistent configuration; returns the daemon's warnings.
  // The text goes in chunks of kReplyChunk bytes, each with its offset and
  // the total length; if ipmgmtd restarts in between, the chunk resent to
  // it is refused (IPADM_EBADE) and nothing is imported. allow_empty: an
  // empty configuration clears the store instead of being refused.
  Result<rpc::ImportReply> import_conf(const std::string& text, bool allow_empty = false);

  // Readiness of the named interfaces and address objects (none: every
  // enabled persistent object); a snapshot, see ipadm wait-online.
  Result<rpc::WaitOnlineReply> wait_online(const std::vector<std::string>& names);

  // Generic call: sends req (id filled in), merges streamed replies into one.
  Result<rpc::Reply> call(rpc::Request req);

 private:
  // Connects and sends the Hello; its reply is read by the first call_once_
  // (the request follows the Hello without waiting: one round trip less).
  Status connect_();
  Status send_(const rpc::Request& req);
  Result<rpc::Reply> receive_(uint64_t id);  // merges streamed parts
  Result<rpc::Reply> call_once_(const rpc::Request& req);
  Paths paths_;
  int fd_ = -1;
  uint64_t next_id_ = 1;
  uint64_t hello_pending_ = 0;  // id of the unread Hello reply, 0 = none
  std::unique_ptr<char[]> rbuf_;  // kMaxMessage + 1 bytes, made at first use
};

}  // namespace ipadm::client
