#include "daemon/request_limits.h"

#include "common/names.h"

namespace ipadm::daemon {

namespace {

constexpr size_t kAobjMax = kIfNameMax + 1 + kAobjUserMax;
constexpr size_t kPropNameMax = 63;  // store rule (docs/import-export.md)
constexpr size_t kShortText = 64;    // type, wait, policy, token, object kind

Status ifname_size(const std::string& s) {
  if (s.size() <= kIfNameMax) return Status::ok();
  return Status(Errc::InvalidArg, "invalid interface name");
}

Status aobjname_size(const std::string& s) {
  if (s.size() <= kAobjMax) return Status::ok();
  auto slash = s.find('/');
  if (slash != std::string::npos && slash > kIfNameMax)
    return Status(Errc::InvalidName, "interface name longer than " + std::to_string(kIfNameMax) +
                                         " bytes");
  return Status(Errc::InvalidArg, "address object name longer than " + std::to_string(kAobjMax) +
                                      " bytes");
}

Status text_size(const std::string& s, size_t max, Errc code, const char* what) {
  if (s.size() <= max) return Status::ok();
  return Status(code, std::string(what) + " longer than " + std::to_string(max) + " bytes");
}

// The object of a property request, by kind.
Status prop_object_size(const std::string& kind, const std::string& object) {
  if (kind == "if") return ifname_size(object);
  if (kind == "addr") return aobjname_size(object);
  return text_size(object, kShortText, Errc::InvalidArg, "protocol name");
}

Status route_text_sizes(const std::string& dest, const std::string& gw,
                        const std::string& metric) {
  IPADM_TRY(text_size(dest, kMaxAddrText, Errc::BadAddr, "route destination"));
  IPADM_TRY(text_size(gw, kMaxAddrText, Errc::BadAddr, "gateway"));
  return text_size(metric, kShortText, Errc::InvalidArg, "metric");
}

}  // namespace

Status check_request_sizes(const rpc::Request& req) {
  using R = rpc::Request;
  switch (req.body_case()) {
    case R::kCreateIf: return ifname_size(req.create_if().ifname());
    case R::kDeleteIf: return ifname_size(req.delete_if().ifname());
    case R::kEnableIf: return ifname_size(req.enable_if().ifname());
    case R::kDisableIf: return ifname_size(req.disable_if().ifname());
    case R::kShowIf: return ifname_size(req.show_if().ifname());
    case R::kCreateAddr: {
      const auto& c = req.create_addr();
      IPADM_TRY(aobjname_size(c.aobjname()));
      IPADM_TRY(text_size(c.local(), kMaxAddrText, Errc::BadAddr, "address"));
      IPADM_TRY(text_size(c.remote(), kMaxAddrText, Errc::BadAddr, "remote address"));
      IPADM_TRY(text_size(c.reqhost(), kMaxAddrText, Errc::InvalidArg, "host name"));
      IPADM_TRY(text_size(c.type(), kShortText, Errc::InvalidArg, "address type"));
      IPADM_TRY(text_size(c.wait(), kShortText, Errc::InvalidArg, "wait time"));
      IPADM_TRY(text_size(c.interface_id(), kMaxAddrText, Errc::InvalidArg, "interface id"));
      return text_size(c.policy(), kShortText, Errc::InvalidArg, "policy");
    }
    case R::kDeleteAddr: return aobjname_size(req.delete_addr().aobjname());
    case R::kUpAddr: return aobjname_size(req.up_addr().aobjname());
    case R::kDownAddr: return aobjname_size(req.down_addr().aobjname());
    case R::kEnableAddr: return aobjname_size(req.enable_addr().aobjname());
    case R::kDisableAddr: return aobjname_size(req.disable_addr().aobjname());
    case R::kRefreshAddr: return aobjname_size(req.refresh_addr().aobjname());
    case R::kShowAddr:
      IPADM_TRY(ifname_size(req.show_addr().ifname()));
      return aobjname_size(req.show_addr().aobjname());
    case R::kSetProp: {
      const auto& p = req.set_prop();
      IPADM_TRY(text_size(p.object_kind(), kShortText, Errc::InvalidArg, "object kind"));
      IPADM_TRY(prop_object_size(p.object_kind(), p.object()));
      IPADM_TRY(text_size(p.protocol(), kShortText, Errc::InvalidArg, "protocol name"));
      IPADM_TRY(text_size(p.name(), kPropNameMax, Errc::PropUnknown, "property name"));
      return text_size(p.value(), kMaxValueText, Errc::InvalidArg, "property value");
    }
    case R::kShowProp: {
      const auto& p = req.show_prop();
      IPADM_TRY(text_size(p.object_kind(), kShortText, Errc::InvalidArg, "object kind"));
      IPADM_TRY(prop_object_size(p.object_kind(), p.object()));
      IPADM_TRY(text_size(p.protocol(), kShortText, Errc::InvalidArg, "protocol name"));
      for (const auto& n : p.names())
        IPADM_TRY(text_size(n, kPropNameMax, Errc::PropUnknown, "property name"));
      return Status::ok();
    }
    case R::kCreateRoute: {
      const auto& c = req.create_route();
      IPADM_TRY(route_text_sizes(c.destination(), c.gateway(), c.metric()));
      return ifname_size(c.ifname());
    }
    case R::kDeleteRoute: {
      const auto& c = req.delete_route();
      IPADM_TRY(route_text_sizes(c.destination(), c.gateway(), c.metric()));
      return ifname_size(c.ifname());
    }
    case R::kShowRoute: return ifname_size(req.show_route().ifname());
    case R::kExportConf:
      return text_size(req.export_conf().format(), kShortText, Errc::InvalidArg, "format name");
    default:
      return Status::ok();
  }
}

}  // namespace ipadm::daemon
