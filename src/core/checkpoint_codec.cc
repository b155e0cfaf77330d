// encode_checkpoint / decode_checkpoint (checkpoint.h). The text:
//   {"version": 1,
//    "conf": STR,                       the persistent configuration, in the
//                                       JSON of `ipadm export -f json`
//    "interfaces": [{"ifname", "v4", "v6", "flags"}],
//    "addresses": [{"aobjname", "ifname", "family", "type", "flags", "up",
//                   "local", "remote", "prefixlen", "explicit_prefix",
//                   "local_text", "remote_text", "extra"}],
//    "properties": [{"kind", "object", "protocol", "name", "value"}]}
// nlohmann::json is used through its non-throwing paths only.
#include <nlohmann/json.hpp>

#include "core/checkpoint.h"
#include "store/conf_json.h"

namespace ipadm::core {

namespace {

using json = nlohmann::json;
constexpr int kVersion = 1;

Status bad(const std::string& what) {
  return Status(Errc::InvalidArg, "checkpoint snapshot: " + what);
}

// The member of o, of the wanted type, or nullptr.
const json* member(const json& o, const char* key, json::value_t type) {
  auto it = o.find(key);
  if (it == o.end()) return nullptr;
  if (it->type() == type) return &*it;
  // numbers: integer kinds are interchangeable here
  if (type == json::value_t::number_integer && it->is_number_integer()) return &*it;
  return nullptr;
}

std::string str(const json& o, const char* key, bool* ok) {
  const json* v = member(o, key, json::value_t::string);
  if (!v) {
    *ok = false;
    return {};
  }
  return v->get_ref<const std::string&>();
}

int64_t num(const json& o, const char* key, bool* ok) {
  const json* v = member(o, key, json::value_t::number_integer);
  if (!v) {
    *ok = false;
    return 0;
  }
  return v->get<int64_t>();
}

bool flag(const json& o, const char* key, bool* ok) {
  const json* v = member(o, key, json::value_t::boolean);
  if (!v) {
    *ok = false;
    return false;
  }
  return v->get<bool>();
}

std::optional<IpAddr> addr_of(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return IpAddr::parse(text);
}

}  // namespace

std::string encode_checkpoint(const CheckpointState& s) {
  json j;
  j["version"] = kVersion;
  j["conf"] = store::format_conf_json(s.conf);
  json ifs = json::array();
  for (const IfObj& i : s.ifs)
    ifs.push_back({{"ifname", i.ifname}, {"v4", i.v4}, {"v6", i.v6}, {"flags", i.flags}});
  j["interfaces"] = std::move(ifs);
  json addrs = json::array();
  for (const AddrObj& o : s.addrs)
    addrs.push_back({{"aobjname", o.aobjname},
                     {"ifname", o.ifname},
                     {"family", o.family},
                     {"type", static_cast<int>(o.atype)},
                     {"flags", o.flags},
                     {"up", o.up},
                     {"local", o.local.is_zero() ? std::string() : o.local.to_string()},
                     {"remote", o.remote ? o.remote->to_string() : std::string()},
                     {"prefixlen", o.prefixlen},
                     {"explicit_prefix", o.explicit_prefix},
                     {"local_text", o.local_text},
                     {"remote_text", o.remote_text},
                     {"extra", o.extra}});
  j["addresses"] = std::move(addrs);
  json props = json::array();
  for (const PropValue& p : s.props)
    props.push_back({{"kind", p.kind},
                     {"object", p.object},
                     {"protocol", p.protocol},
                     {"name", p.name},
                     {"value", p.value}});
  j["properties"] = std::move(props);
  json routes = json::array();
  for (const ActiveRoute& r : s.routes)
    routes.push_back({{"family", r.rec.family},
                      {"destination", r.rec.destination},
                      {"gateway", r.rec.gateway},
                      {"ifname", r.rec.ifname},
                      {"metric", r.rec.metric},
                      {"temporary", r.temporary}});
  j["routes"] = std::move(routes);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<CheckpointState> decode_checkpoint(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  bool ok = true;
  int64_t version = num(j, "version", &ok);
  if (!ok) return bad("no version");
  if (version > kVersion) return bad("version " + std::to_string(version) + " is newer");
  CheckpointState s;
  std::vector<std::string> warnings;
  auto conf = store::parse_conf_json(str(j, "conf", &ok), &warnings);
  if (!ok) return bad("no conf");
  IPADM_TRY(conf);
  s.conf = std::move(*conf);
  const json* ifs = member(j, "interfaces", json::value_t::array);
  const json* addrs = member(j, "addresses", json::value_t::array);
  const json* props = member(j, "properties", json::value_t::array);
  if (!ifs || !addrs || !props) return bad("missing arrays");
  for (const json& e : *ifs) {
    if (!e.is_object()) return bad("interface is not an object");
    IfObj i;
    i.ifname = str(e, "ifname", &ok);
    i.v4 = flag(e, "v4", &ok);
    i.v6 = flag(e, "v6", &ok);
    i.flags = static_cast<uint32_t>(num(e, "flags", &ok));
    if (!ok) return bad("interface " + i.ifname);
    s.ifs.push_back(std::move(i));
  }
  for (const json& e : *addrs) {
    if (!e.is_object()) return bad("address is not an object");
    AddrObj o;
    o.aobjname = str(e, "aobjname", &ok);
    o.ifname = str(e, "ifname", &ok);
    o.family = static_cast<int>(num(e, "family", &ok));
    int64_t type = num(e, "type", &ok);
    o.flags = static_cast<uint32_t>(num(e, "flags", &ok));
    o.up = flag(e, "up", &ok);
    std::string local = str(e, "local", &ok), remote = str(e, "remote", &ok);
    o.prefixlen = static_cast<int>(num(e, "prefixlen", &ok));
    o.explicit_prefix = flag(e, "explicit_prefix", &ok);
    o.local_text = str(e, "local_text", &ok);
    o.remote_text = str(e, "remote_text", &ok);
    o.extra = str(e, "extra", &ok);
    if (!ok || type < 0 || type > static_cast<int>(AddrType::FromGz))
      return bad("address object " + o.aobjname);
    o.atype = static_cast<AddrType>(type);
    if (auto a = addr_of(local)) o.local = *a;
    o.remote = addr_of(remote);
    s.addrs.push_back(std::move(o));
  }
  for (const json& e : *props) {
    if (!e.is_object()) return bad("property is not an object");
    PropValue p{str(e, "kind", &ok), str(e, "object", &ok), str(e, "protocol", &ok),
                str(e, "name", &ok), str(e, "value", &ok)};
    if (!ok) return bad("property " + p.name);
    s.props.push_back(std::move(p));
  }
  // routes: absent in a text written before they were part of it.
  if (const json* routes = member(j, "routes", json::value_t::array)) {
    for (const json& e : *routes) {
      if (!e.is_object()) return bad("route is not an object");
      ActiveRoute r;
      r.rec.family = static_cast<int>(num(e, "family", &ok));
      r.rec.destination = str(e, "destination", &ok);
      r.rec.gateway = str(e, "gateway", &ok);
      r.rec.ifname = str(e, "ifname", &ok);
      int64_t metric = num(e, "metric", &ok);
      r.temporary = flag(e, "temporary", &ok);
      if (!ok || metric < 0 || metric > 0xffffffffLL) return bad("route " + r.rec.destination);
      r.rec.metric = static_cast<uint32_t>(metric);
      s.routes.push_back(std::move(r));
    }
  }
  return s;
}

}  // namespace ipadm::core
