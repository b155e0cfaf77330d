// CliBackend: everything the ipadm CLI asks of the daemon, as one interface.
//
// The subcommand handlers talk only to this interface, never to the socket.
// Production code uses make_client_backend(), a thin adapter over
// client::Client (libipadm); unit tests plug in a fake that records the
// requests and returns canned replies. Methods mirror client::Client one to
// one, with the same error contract (IpcError when the daemon is unreachable,
// otherwise the daemon's status). Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/paths.h"
#include "common/status.h"
#include "ipmgmt.pb.h"

namespace ipadm::cli {

class CliBackend {
 public:
  virtual ~CliBackend() = default;

  virtual Status create_if(const std::string& ifname, bool temporary) = 0;
  virtual Status delete_if(const std::string& ifname) = 0;
  virtual Status enable_if(const std::string& ifname) = 0;
  virtual Status disable_if(const std::string& ifname) = 0;
  virtual Result<rpc::ShowIfReply> show_if(const std::string& ifname) = 0;

  virtual Status create_addr(const rpc::CreateAddrReq& req) = 0;
  virtual Status delete_addr(const std::string& aobjname, bool release) = 0;
  virtual Result<rpc::ShowAddrReply> show_addr(const std::string& aobjname,
                                               const std::string& ifname) = 0;
  // op is one of kUpAddr, kDownAddr, kEnableAddr, kDisableAddr, kRefreshAddr.
  virtual Status addr_op(rpc::Request::BodyCase op, const rpc::AddrObjReq& req) = 0;

  virtual Status set_prop(const rpc::SetPropReq& req) = 0;
  virtual Result<rpc::ShowPropReply> show_prop(const rpc::ShowPropReq& req) = 0;

  virtual Status create_route(const rpc::CreateRouteReq& req) = 0;
  virtual Status delete_route(const rpc::DeleteRouteReq& req) = 0;
  virtual Result<rpc::ShowRouteReply> show_route(const std::string& ifname) = 0;

  virtual Result<rpc::RestoreReply> restore() = 0;
  virtual Result<rpc::WaitOnlineReply> wait_online(const std::vector<std::string>& names) = 0;
  virtual Result<std::string> export_conf(const std::string& format) = 0;
  // Returns the daemon's warnings (what was not imported, by line).
  virtual Result<std::vector<std::string>> import_conf(const std::string& text,
                                                       bool allow_empty) = 0;
  // Any other request, sent as it is (checkpoint verbs): the daemon's
  // reply, or its status as the error.
  virtual Result<rpc::Reply> call(rpc::Request req) = 0;
};

// The real backend: a client::Client connected (lazily) to the daemon of the
// instance described by paths.
std::unique_ptr<CliBackend> make_client_backend(const Paths& paths);

}  // namespace ipadm::cli
