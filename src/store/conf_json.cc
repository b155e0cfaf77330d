// format_conf_json / parse_conf_json (schema in conf_json.h). nlohmann::json
// throws on misuse, so every access here is preceded by a type check, parsing
// uses the non-throwing entry points, and dump() replaces bad UTF-8.
#include "store/conf_json.h"

#include <sys/socket.h>

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>

namespace ipadm::store {

namespace {

using json = nlohmann::json;
using ordered = nlohmann::ordered_json;

constexpr std::string_view kFormat = "ipadm-linux";

// ---- writing ----

ordered address_json(const AddrRecord& a) {
  ordered j;
  j["aobjname"] = a.aobjname;
  j["ifname"] = a.ifname;
  j["family"] = a.family == AF_INET ? 4 : a.family == AF_INET6 ? 6 : a.family;
  j["type"] = std::string(addrtype_name(a.atype));
  j["local"] = a.local;
  j["remote"] = a.remote;
  j["prefixlen"] = a.prefixlen < 0 ? ordered(nullptr) : ordered(a.prefixlen);
  j["up"] = a.up;
  j["extra"] = a.extra;
  return j;
}

// ---- reading ----

// Syntax pass: finds the first error (with its byte offset) and the nesting
// depth without building anything and without exceptions.
class SyntaxCheck : public nlohmann::json_sax<json> {
 public:
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return enter(); }
  bool key(string_t&) override { return true; }
  bool end_object() override { return leave(); }
  bool start_array(std::size_t) override { return enter(); }
  bool end_array() override { return leave(); }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    error = "$: invalid JSON at byte " + std::to_string(position) + ": " + ex.what();
    return false;
  }

  std::string error;

 private:
  bool enter() {
    if (++depth_ > kConfJsonMaxDepth) {
      error = "$: nested deeper than " + std::to_string(kConfJsonMaxDepth) + " levels";
      return false;
    }
    return true;
  }
  bool leave() {
    --depth_;
    return true;
  }
  size_t depth_ = 0;
};

Status bad(const std::string& path, const std::string& why) {
  return Status(Errc::InvalidArg, path + ": " + why);
}

// One JSON object with its path; typed member access that never throws.
class Obj {
 public:
  Obj(const json& j, std::string path) : j_(j), path_(std::move(path)) {}

  Status check(std::initializer_list<std::string_view> known, std::vector<std::string>* warnings) const {
    if (!j_.is_object()) return bad(path_, "expected an object");
    for (auto it = j_.begin(); it != j_.end(); ++it) {
      bool ok = false;
      for (auto k : known) ok = ok || it.key() == k;
      if (!ok && warnings) warnings->push_back(path_ + "." + it.key() + ": unknown key, ignored");
    }
    return Status::ok();
  }
  std::string path(std::string_view key) const { return path_ + "." + std::string(key); }
  const json* find(const char* key) const {
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }
  Status str(const char* key, std::string* out, bool required) const {
    const json* v = find(key);
    if (!v) return required ? bad(path(key), "missing") : Status::ok();
    if (!v->is_string()) return bad(path(key), "expected a string");
    *out = v->get_ref<const std::string&>();
    return Status::ok();
  }
  Status boolean(const char* key, bool* out) const {
    const json* v = find(key);
    if (!v) return Status::ok();
    if (!v->is_boolean()) return bad(path(key), "expected true or false");
    *out = v->get<bool>();
    return Status::ok();
  }
  // Integer in [lo, hi]; null gives nullopt when nullable.
  Status integer(const char* key, std::optional<long>* out, long lo, long hi, bool required,
                 bool nullable) const {
    const json* v = find(key);
    if (!v) return required ? bad(path(key), "missing") : Status::ok();
    if (nullable && v->is_null()) {
      out->reset();
      return Status::ok();
    }
    if (!v->is_number_integer())
      return bad(path(key), nullable ? "expected an integer or null" : "expected an integer");
    bool in_range = v->is_number_unsigned() ? v->get<uint64_t>() <= static_cast<uint64_t>(hi)
                                            : v->get<int64_t>() >= lo && v->get<int64_t>() <= hi;
    if (!in_range)
      return bad(path(key), "out of range " + std::to_string(lo) + ".." + std::to_string(hi));
    *out = static_cast<long>(v->get<int64_t>());
    return Status::ok();
  }

 private:
  const json& j_;
  std::string path_;
};

// Returns the array member `key` of o (absent = empty); InvalidArg if not an array.
Result<const json*> array_of(const Obj& o, const char* key) {
  static const json kEmpty = json::array();
  const json* v = o.find(key);
  if (!v) return &kEmpty;
  if (!v->is_array()) return Status(bad(o.path(key), "expected an array"));
  return v;
}

Status read_interface(const Obj& o, std::vector<std::string>* w, IfRecord* r) {
  IPADM_TRY(o.check({"ifname", "ipv4", "ipv6"}, w));
  IPADM_TRY(o.str("ifname", &r->ifname, true));
  IPADM_TRY(o.boolean("ipv4", &r->v4));
  IPADM_TRY(o.boolean("ipv6", &r->v6));
  if (!ifname_valid(r->ifname)) return Status(Errc::InvalidName, o.path("ifname") + ": '" + r->ifname + "'");
  return Status::ok();
}

Status read_address(const Obj& o, std::vector<std::string>* w, AddrRecord* r) {
  IPADM_TRY(o.check({"aobjname", "ifname", "family", "type", "local", "remote", "prefixlen", "up", "extra"}, w));
  IPADM_TRY(o.str("aobjname", &r->aobjname, true));
  auto name = parse_aobjname(r->aobjname);
  if (!name) return Status(name.status().code(), o.path("aobjname") + ": invalid address object name");
  r->ifname = name->ifname;
  IPADM_TRY(o.str("ifname", &r->ifname, false));
  if (r->ifname != name->ifname) return bad(o.path("ifname"), "does not match aobjname");
  std::string type;
  IPADM_TRY(o.str("type", &type, true));
  std::optional<long> family;
  if (type == "static") {
    r->atype = AddrType::Static;
  } else if (type == "dhcp") {
    r->atype = AddrType::Dhcp;
    family = 4;
  } else if (type == "addrconf") {
    r->atype = AddrType::Addrconf;
    family = 6;
  } else {
    return bad(o.path("type"), "expected \"static\", \"dhcp\" or \"addrconf\"");
  }
  IPADM_TRY(o.integer("family", &family, 4, 6, r->atype == AddrType::Static, false));
  if (*family != 4 && *family != 6) return bad(o.path("family"), "expected 4 or 6");
  r->family = *family == 4 ? AF_INET : AF_INET6;
  IPADM_TRY(o.str("local", &r->local, false));
  IPADM_TRY(o.str("remote", &r->remote, false));
  std::optional<long> plen;
  IPADM_TRY(o.integer("prefixlen", &plen, 1, r->family == AF_INET ? 32 : 128, false, true));
  r->prefixlen = plen ? static_cast<int>(*plen) : -1;
  IPADM_TRY(o.boolean("up", &r->up));
  IPADM_TRY(o.str("extra", &r->extra, false));
  return Status::ok();
}

Status read_property(const Obj& o, std::vector<std::string>* w, PropRecord* r) {
  IPADM_TRY(o.check({"protocol", "ifname", "aobjname", "name", "value"}, w));
  IPADM_TRY(o.str("protocol", &r->protocol, false));
  IPADM_TRY(o.str("aobjname", &r->aobjname, false));
  if (!r->aobjname.empty()) r->ifname = r->aobjname.substr(0, r->aobjname.find('/'));
  IPADM_TRY(o.str("ifname", &r->ifname, false));
  IPADM_TRY(o.str("name", &r->name, true));
  IPADM_TRY(o.str("value", &r->value, true));
  return Status::ok();
}

Status read_route(const Obj& o, std::vector<std::string>* w, RouteRecord* r) {
  IPADM_TRY(o.check({"destination", "gateway", "interface", "metric", "family"}, w));
  IPADM_TRY(o.str("destination", &r->destination, true));
  IPADM_TRY(o.str("gateway", &r->gateway, false));
  IPADM_TRY(o.str("interface", &r->ifname, false));
  std::optional<long> metric;
  IPADM_TRY(o.integer("metric", &metric, 0, UINT32_MAX, false, false));
  r->metric = metric ? static_cast<uint32_t>(*metric) : 0;
  r->family = route_family(r->destination, r->gateway);
  if (r->family == 0) return bad(o.path("destination"), "not default or a numeric PREFIX/LEN");
  std::optional<long> family;
  IPADM_TRY(o.integer("family", &family, 4, 6, false, false));
  if (family && *family != (r->family == AF_INET ? 4 : 6))
    return bad(o.path("family"), "does not match the addresses");
  return Status::ok();
}

template <typename Rec, typename ReadFn>
Status read_array(const Obj& top, const char* key, std::vector<std::string>* w, ReadFn read,
                  std::vector<Rec>* out) {
  auto arr = array_of(top, key);
  IPADM_TRY(arr);
  size_t i = 0;
  for (const auto& item : **arr) {
    Rec r;
    IPADM_TRY(read(Obj(item, top.path(key) + "[" + std::to_string(i++) + "]"), w, &r));
    out->push_back(std::move(r));
  }
  return Status::ok();
}

}  // namespace

std::string format_conf_json(const ConfSnapshot& s) {
  ordered doc;
  doc["format"] = kFormat;
  doc["version"] = kConfJsonVersion;
  doc["interfaces"] = ordered::array();
  for (const auto& i : s.ifs) {
    ordered j;
    j["ifname"] = i.ifname;
    j["ipv4"] = i.v4;
    j["ipv6"] = i.v6;
    doc["interfaces"].push_back(std::move(j));
  }
  doc["addresses"] = ordered::array();
  for (const auto& a : s.addrs) doc["addresses"].push_back(address_json(a));
  doc["properties"] = ordered::array();
  for (const auto& p : s.props) {
    ordered j;
    j["protocol"] = p.protocol;
    j["ifname"] = p.ifname;
    j["aobjname"] = p.aobjname;
    j["name"] = p.name;
    j["value"] = p.value;
    doc["properties"].push_back(std::move(j));
  }
  if (!s.routes.empty()) doc["routes"] = ordered::array();  // older readers: no key
  for (const auto& r : s.routes) {
    ordered j;
    j["destination"] = r.destination;
    j["gateway"] = r.gateway;
    j["interface"] = r.ifname;
    j["metric"] = r.metric;
    j["family"] = r.family == AF_INET ? 4 : 6;
    doc["routes"].push_back(std::move(j));
  }
  return doc.dump(2, ' ', false, ordered::error_handler_t::replace) + "\n";
}

Result<ConfSnapshot> parse_conf_json(std::string_view text, std::vector<std::string>* warnings) {
  if (text.size() > kConfMaxText)
    return Result<ConfSnapshot>(Errc::InvalidArg, "$: larger than " + std::to_string(kConfMaxText) + " bytes");
  SyntaxCheck syntax;
  if (!json::sax_parse(text.begin(), text.end(), &syntax, json::input_format_t::json, true)) {
    return Result<ConfSnapshot>(Errc::InvalidArg, syntax.error.empty() ? "$: invalid JSON" : syntax.error);
  }
  json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded()) return Result<ConfSnapshot>(Errc::InvalidArg, "$: invalid JSON");

  std::vector<std::string> w;
  Obj top(doc, "$");
  IPADM_TRY(top.check({"format", "version", "interfaces", "addresses", "properties", "routes"}, &w));
  std::string format;
  IPADM_TRY(top.str("format", &format, true));
  if (format != kFormat) return Result<ConfSnapshot>(bad("$.format", "expected \"ipadm-linux\""));
  std::optional<long> version;
  IPADM_TRY(top.integer("version", &version, 0, 1L << 30, true, false));
  if (*version != kConfJsonVersion)
    return Result<ConfSnapshot>(Status(*version > kConfJsonVersion ? Errc::NotSup : Errc::InvalidArg,
                                       "$.version: " + std::to_string(*version) + " is not supported (" +
                                           std::to_string(kConfJsonVersion) + ")"));
  ConfSnapshot s;
  IPADM_TRY(read_array(top, "interfaces", &w, read_interface, &s.ifs));
  IPADM_TRY(read_array(top, "addresses", &w, read_address, &s.addrs));
  IPADM_TRY(read_array(top, "properties", &w, read_property, &s.props));
  IPADM_TRY(read_array(top, "routes", &w, read_route, &s.routes));
  IPADM_TRY(validate_snapshot(s));
  if (warnings) warnings->insert(warnings->end(), w.begin(), w.end());
  return s;
}

}  // namespace ipadm::store
