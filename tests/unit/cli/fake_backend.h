// FakeBackend: a CliBackend that records every request and answers with
// canned replies, for driving run_cli() in unit tests without a daemon.
#pragma once

#include <string>
#include <vector>

#include "cli/backend.h"

namespace ipadm::cli::test {

// What the fake saw and what it answers; owned by the test, so it outlives
// the backend that run_cli() creates and destroys.
struct FakeState {
  // What was called, e.g. "create_if net0 t=1", in order.
  std::vector<std::string> calls;
  rpc::CreateAddrReq last_create_addr;
  rpc::AddrObjReq last_addr_op;
  rpc::Request::BodyCase last_op = rpc::Request::BODY_NOT_SET;
  rpc::SetPropReq last_set_prop;
  rpc::ShowPropReq last_show_prop;
  std::string last_import;
  rpc::CreateRouteReq last_create_route;
  rpc::DeleteRouteReq last_delete_route;

  // Canned answers.
  Status status;  // returned by every Status-returning call
  rpc::ShowIfReply if_reply;
  rpc::ShowAddrReply addr_reply;
  rpc::ShowPropReply prop_reply;
  rpc::RestoreReply restore_reply;
  rpc::ShowRouteReply route_reply;
  std::string export_text;
  rpc::Reply call_reply;  // answer of call()
  rpc::Request last_call;
  Status show_status;  // non-OK: show_* fail with it
  // wait_online: the i-th call gets online_replies[i] (the last one again
  // after that); online_status non-OK: every call fails with it.
  std::vector<rpc::WaitOnlineReply> online_replies;
  Status online_status;
  std::vector<std::string> last_online_names;
};

struct FakeBackend : CliBackend {
  explicit FakeBackend(FakeState& st) : s(st) {}
  FakeState& s;

  Status create_if(const std::string& ifname, bool temporary) override {
    s.calls.push_back("create_if " + ifname + " t=" + std::to_string(temporary));
    return s.status;
  }
  Status delete_if(const std::string& ifname) override {
    s.calls.push_back("delete_if " + ifname);
    return s.status;
  }
  Status enable_if(const std::string& ifname) override {
    s.calls.push_back("enable_if " + ifname);
    return s.status;
  }
  Status disable_if(const std::string& ifname) override {
    s.calls.push_back("disable_if " + ifname);
    return s.status;
  }
  Result<rpc::ShowIfReply> show_if(const std::string& ifname) override {
    s.calls.push_back("show_if " + ifname);
    if (!s.show_status.is_ok()) return s.show_status;
    return s.if_reply;
  }
  Status create_addr(const rpc::CreateAddrReq& req) override {
    s.calls.push_back("create_addr " + req.aobjname());
    s.last_create_addr = req;
    return s.status;
  }
  Status delete_addr(const std::string& aobjname, bool release) override {
    s.calls.push_back("delete_addr " + aobjname + " r=" + std::to_string(release));
    return s.status;
  }
  Result<rpc::ShowAddrReply> show_addr(const std::string& aobjname,
                                       const std::string& ifname) override {
    s.calls.push_back("show_addr " + aobjname + "|" + ifname);
    if (!s.show_status.is_ok()) return s.show_status;
    return s.addr_reply;
  }
  Status addr_op(rpc::Request::BodyCase op, const rpc::AddrObjReq& req) override {
    s.calls.push_back("addr_op " + req.aobjname());
    s.last_op = op;
    s.last_addr_op = req;
    return s.status;
  }
  Status set_prop(const rpc::SetPropReq& req) override {
    s.calls.push_back("set_prop " + req.name());
    s.last_set_prop = req;
    return s.status;
  }
  Result<rpc::ShowPropReply> show_prop(const rpc::ShowPropReq& req) override {
    s.calls.push_back("show_prop " + req.object_kind() + " " + req.object());
    s.last_show_prop = req;
    if (!s.show_status.is_ok()) return s.show_status;
    return s.prop_reply;
  }
  Status create_route(const rpc::CreateRouteReq& req) override {
    s.calls.push_back("create_route " + req.destination());
    s.last_create_route = req;
    return s.status;
  }
  Status delete_route(const rpc::DeleteRouteReq& req) override {
    s.calls.push_back("delete_route " + req.destination());
    s.last_delete_route = req;
    return s.status;
  }
  Result<rpc::ShowRouteReply> show_route(const std::string& ifname) override {
    s.calls.push_back("show_route " + ifname);
    if (!s.show_status.is_ok()) return s.show_status;
    return s.route_reply;
  }
  Result<rpc::RestoreReply> restore() override {
    s.calls.push_back("restore");
    if (!s.show_status.is_ok()) return s.show_status;
    return s.restore_reply;
  }
  Result<rpc::WaitOnlineReply> wait_online(const std::vector<std::string>& names) override {
    size_t n = 0;
    for (const std::string& c : s.calls) n += c.rfind("wait_online", 0) == 0;
    s.calls.push_back("wait_online");
    s.last_online_names = names;
    if (!s.online_status.is_ok()) return s.online_status;
    if (s.online_replies.empty()) return rpc::WaitOnlineReply();
    return s.online_replies[std::min(n, s.online_replies.size() - 1)];
  }
  Result<std::string> export_conf(const std::string& format) override {
    s.calls.push_back("export " + format);
    if (!s.show_status.is_ok()) return s.show_status;
    return s.export_text;
  }
  Result<std::vector<std::string>> import_conf(const std::string& text,
                                               bool allow_empty) override {
    s.calls.push_back(allow_empty ? "import allow-empty" : "import");
    s.last_import = text;
    if (!s.status) return s.status;
    return std::vector<std::string>{};
  }
  Result<rpc::Reply> call(rpc::Request req) override {
    s.calls.push_back("call " + std::to_string(req.body_case()));
    s.last_call = std::move(req);
    if (!s.status) return s.status;
    return s.call_reply;
  }
};

}  // namespace ipadm::cli::test
