// Record builders and comparisons shared by the store tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/store.h"

namespace ipadm::store::testing {

inline AddrRecord make_addr(const std::string& aobjname, const std::string& local,
                            int family = 2) {
  AddrRecord r;
  r.aobjname = aobjname;
  r.ifname = aobjname.substr(0, aobjname.find('/'));
  r.family = family;
  r.local = local;
  return r;
}

inline PropRecord proto_prop(const std::string& proto, const std::string& name,
                             const std::string& value) {
  return PropRecord{proto, "", "", name, value};
}
inline PropRecord if_prop(const std::string& proto, const std::string& ifname,
                          const std::string& name, const std::string& value) {
  return PropRecord{proto, ifname, "", name, value};
}
inline PropRecord addr_prop(const std::string& aobjname, const std::string& name,
                            const std::string& value) {
  return PropRecord{"", aobjname.substr(0, aobjname.find('/')), aobjname, name, value};
}

inline bool same(const IfRecord& a, const IfRecord& b) {
  return a.ifname == b.ifname && a.v4 == b.v4 && a.v6 == b.v6;
}
inline bool same(const AddrRecord& a, const AddrRecord& b) {
  return a.aobjname == b.aobjname && a.ifname == b.ifname && a.family == b.family &&
         a.atype == b.atype && a.local == b.local && a.remote == b.remote &&
         a.prefixlen == b.prefixlen && a.up == b.up && a.extra == b.extra;
}
inline bool same(const PropRecord& a, const PropRecord& b) {
  return a.protocol == b.protocol && a.ifname == b.ifname && a.aobjname == b.aobjname &&
         a.name == b.name && a.value == b.value;
}

inline std::vector<std::string> names(const std::vector<IfRecord>& v) {
  std::vector<std::string> out;
  for (const auto& r : v) out.push_back(r.ifname);
  return out;
}
inline std::vector<std::string> names(const std::vector<AddrRecord>& v) {
  std::vector<std::string> out;
  for (const auto& r : v) out.push_back(r.aobjname);
  return out;
}
// "name=value" per property.
inline std::vector<std::string> names(const std::vector<PropRecord>& v) {
  std::vector<std::string> out;
  for (const auto& r : v) out.push_back(r.name + "=" + r.value);
  return out;
}

}  // namespace ipadm::store::testing
