#include "store/conf_import.h"

#include "store/conf_json.h"
#include "store/illumos_conf.h"
#include "store/static_routes.h"

namespace ipadm::store {

Result<ConfFormat> conf_format_from_name(std::string_view name) {
  if (name == "illumos") return ConfFormat::Illumos;
  if (name == "json") return ConfFormat::Json;
  return Result<ConfFormat>(Errc::InvalidArg, "unknown configuration format '" + std::string(name) +
                                                  "' (illumos or json)");
}

ConfFormat conf_format_of(std::string_view text) {
  bool comment = false;
  for (char c : text) {
    if (comment) {
      comment = c != '\n';
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (c == '#') {
      comment = true;
      continue;
    }
    if (c == '-') return ConfFormat::StaticRoutes;
    return c == '{' ? ConfFormat::Json : ConfFormat::Illumos;
  }
  return ConfFormat::Illumos;
}

Result<ConfSnapshot> parse_conf(std::string_view text, std::vector<std::string>* warnings) {
  return parse_conf_as(text, conf_format_of(text), warnings);
}

Result<ConfSnapshot> parse_conf_as(std::string_view text, ConfFormat f,
                                   std::vector<std::string>* warnings) {
  if (f == ConfFormat::StaticRoutes) return parse_static_routes(text, warnings);
  if (f == ConfFormat::Json) return parse_conf_json(text, warnings);
  return parse_illumos_conf(text, warnings);
}

Result<std::string> format_conf(const ConfSnapshot& s, ConfFormat format) {
  if (format == ConfFormat::Json) return format_conf_json(s);
  if (format == ConfFormat::StaticRoutes)
    return Result<std::string>(Errc::NotSup, "static_routes is an import format only");
  IPADM_TRY(check_illumos_conf(s));
  return format_illumos_conf(s);
}

Batch to_import_batch(const ConfSnapshot& s) {
  Batch b;
  b.ops.reserve(s.ifs.size() + s.addrs.size() + s.props.size());
  for (const auto& i : s.ifs) b.add(PutIf{i});
  for (const auto& a : s.addrs) b.add(PutAddr{a});
  for (const auto& p : s.props) b.add(PutProp{p});
  for (const auto& r : s.routes) b.add(PutRoute{r});
  return b;
}

Batch to_replace_batch(const ConfSnapshot& current, const ConfSnapshot& next) {
  Batch b;
  for (const auto& i : current.ifs) b.add(DelIf{i.ifname});
  for (const auto& p : current.props)
    if (p.ifname.empty() && p.aobjname.empty()) b.add(DelProp{p});
  for (const auto& r : current.routes) b.add(DelRoute{r});
  Batch puts = to_import_batch(next);
  for (auto& op : puts.ops) b.add(std::move(op));
  return b;
}

Result<ConfSnapshot> snapshot_of(Store& store) {
  ConfSnapshot s;
  auto ifs = store.interfaces();
  if (!ifs) return ifs.status();
  auto addrs = store.addrs("");
  if (!addrs) return addrs.status();
  auto props = store.all_props();
  if (!props) return props.status();
  auto routes = store.routes();
  if (!routes) return routes.status();
  s.routes = std::move(routes).value();
  s.ifs = std::move(ifs).value();
  s.addrs = std::move(addrs).value();
  s.props = std::move(props).value();
  return s;
}

}  // namespace ipadm::store
