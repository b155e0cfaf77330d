// CliBackend over libipadm's client::Client. Kept in its own object file so
// that unit tests, which never call make_client_backend(), do not link libipadm.
#include "cli/backend.h"
#include "client/client.h"

namespace ipadm::cli {
namespace {

class ClientBackend final : public CliBackend {
 public:
  explicit ClientBackend(const Paths& paths) : client_(paths) {}

  Status create_if(const std::string& ifname, bool temporary) override {
    return client_.create_if(ifname, temporary);
  }
  Status delete_if(const std::string& ifname) override { return client_.delete_if(ifname); }
  Status enable_if(const std::string& ifname) override { return client_.enable_if(ifname); }
  Status disable_if(const std::string& ifname) override { return client_.disable_if(ifname); }
  Result<rpc::ShowIfReply> show_if(const std::string& ifname) override {
    return client_.show_if(ifname);
  }
  Status create_addr(const rpc::CreateAddrReq& req) override { return client_.create_addr(req); }
  Status delete_addr(const std::string& aobjname, bool release) override {
    return client_.delete_addr(aobjname, release);
  }
  Result<rpc::ShowAddrReply> show_addr(const std::string& aobjname,
                                       const std::string& ifname) override {
    return client_.show_addr(aobjname, ifname);
  }
  Status addr_op(rpc::Request::BodyCase op, const rpc::AddrObjReq& req) override {
    return client_.addr_op(op, req);
  }
  Status set_prop(const rpc::SetPropReq& req) override { return client_.set_prop(req); }
  Result<rpc::ShowPropReply> show_prop(const rpc::ShowPropReq& req) override {
    return client_.show_prop(req);
  }
  Status create_route(const rpc::CreateRouteReq& req) override {
    return client_.create_route(req);
  }
  Status delete_route(const rpc::DeleteRouteReq& req) override {
    return client_.delete_route(req);
  }
  Result<rpc::ShowRouteReply> show_route(const std::string& ifname) override {
    return client_.show_route(ifname);
  }
  Result<rpc::RestoreReply> restore() override { return client_.restore(); }
  Result<rpc::WaitOnlineReply> wait_online(const std::vector<std::string>& names) override {
    return client_.wait_online(names);
  }
  Result<std::string> export_conf(const std::string& format) override {
    return client_.export_conf(format);
  }
  Result<std::vector<std::string>> import_conf(const std::string& text,
                                               bool allow_empty) override {
    auto r = client_.import_conf(text, allow_empty);
    IPADM_TRY(r);
    return std::vector<std::string>(r->warnings().begin(), r->warnings().end());
  }

  Result<rpc::Reply> call(rpc::Request req) override { return client_.call(std::move(req)); }

 private:
  client::Client client_;
};

}  // namespace

std::unique_ptr<CliBackend> make_client_backend(const Paths& paths) {
  return std::make_unique<ClientBackend>(paths);
}

}  // namespace ipadm::cli
