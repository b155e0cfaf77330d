#include "dns/link_dns.h"

#include <algorithm>

namespace ipadm::dns {

namespace {

template <typename T>
void add_unique(std::vector<T>* out, const T& v) {
  if (std::find(out->begin(), out->end(), v) == out->end()) out->push_back(v);
}

}  // namespace

template <typename F>
bool DnsState::change(const std::string& ifname, F&& f) {
  LinkDns before = merged(ifname);
  Link& l = links_[ifname];
  f(l);
  if (l.empty()) links_.erase(ifname);
  return merged(ifname) != before;
}

bool DnsState::set_lease(const std::string& ifname, Source src, const std::string& key,
                         LinkDns d) {
  // A key lives on one link: drop it elsewhere first (an object never moves,
  // but a stale entry must not survive).
  bool moved = false;
  for (auto& [name, l] : links_)
    if (name != ifname)
      for (const Lease& e : l.leases) moved |= e.key == key;
  if (moved) drop_lease(key);
  return change(ifname, [&](Link& l) {
    std::erase_if(l.leases, [&](const Lease& e) { return e.key == key; });
    if (d.empty()) return;
    Lease e{src, key, std::move(d)};
    auto pos = std::find_if(l.leases.begin(), l.leases.end(),
                            [&](const Lease& o) { return o.src > src; });
    l.leases.insert(pos, std::move(e));
  });
}

std::optional<std::string> DnsState::drop_lease(const std::string& key) {
  for (auto& [name, l] : links_) {
    if (std::none_of(l.leases.begin(), l.leases.end(),
                     [&](const Lease& e) { return e.key == key; }))
      continue;
    std::string ifname = name;  // change() may erase the entry
    if (change(ifname, [&](Link& k) {
          std::erase_if(k.leases, [&](const Lease& e) { return e.key == key; });
        }))
      return ifname;
    return std::nullopt;
  }
  return std::nullopt;
}

template <typename T>
void DnsState::refresh(std::vector<Timed<T>>* list, const std::vector<T>& values,
                       uint32_t lifetime, int64_t now) {
  for (const T& v : values) {
    auto it = std::find_if(list->begin(), list->end(),
                           [&](const Timed<T>& t) { return t.value == v; });
    if (lifetime == 0) {
      if (it != list->end()) list->erase(it);
      continue;
    }
    std::optional<int64_t> deadline;
    if (lifetime != kInfinite) deadline = now + lifetime;
    if (it != list->end()) it->deadline = deadline;
    else list->push_back({v, deadline});
  }
}

bool DnsState::ra_servers(const std::string& ifname, const std::vector<IpAddr>& servers,
                          uint32_t lifetime, int64_t now) {
  return change(ifname, [&](Link& l) { refresh(&l.ra_servers, servers, lifetime, now); });
}

bool DnsState::ra_domains(const std::string& ifname, const std::vector<std::string>& domains,
                          uint32_t lifetime, int64_t now) {
  return change(ifname, [&](Link& l) { refresh(&l.ra_domains, domains, lifetime, now); });
}

bool DnsState::drop_ra(const std::string& ifname) {
  if (!links_.count(ifname)) return false;
  return change(ifname, [](Link& l) {
    l.ra_servers.clear();
    l.ra_domains.clear();
  });
}

bool DnsState::drop_link(const std::string& ifname) {
  bool had = !merged(ifname).empty();
  links_.erase(ifname);
  return had;
}

std::vector<std::string> DnsState::expire(int64_t now) {
  std::vector<std::string> changed;
  std::vector<std::string> names;
  for (const auto& [name, l] : links_) names.push_back(name);
  for (const std::string& name : names) {
    auto gone = [&](const auto& t) { return t.deadline && *t.deadline <= now; };
    if (change(name, [&](Link& l) {
          std::erase_if(l.ra_servers, gone);
          std::erase_if(l.ra_domains, gone);
        }))
      changed.push_back(name);
  }
  return changed;
}

std::optional<int64_t> DnsState::next_expiry() const {
  std::optional<int64_t> next;
  auto consider = [&](const std::optional<int64_t>& d) {
    if (d && (!next || *d < *next)) next = d;
  };
  for (const auto& [name, l] : links_) {
    for (const auto& t : l.ra_servers) consider(t.deadline);
    for (const auto& t : l.ra_domains) consider(t.deadline);
  }
  return next;
}

LinkDns DnsState::merged(const std::string& ifname) const {
  LinkDns out;
  auto it = links_.find(ifname);
  if (it == links_.end()) return out;
  const Link& l = it->second;
  for (const Lease& e : l.leases) {  // kept in source order
    for (const IpAddr& a : e.dns.servers) add_unique(&out.servers, a);
    for (const std::string& d : e.dns.domains) add_unique(&out.domains, d);
  }
  for (const auto& t : l.ra_servers) add_unique(&out.servers, t.value);
  for (const auto& t : l.ra_domains) add_unique(&out.domains, t.value);
  return out;
}

std::vector<std::string> DnsState::links() const {
  std::vector<std::string> out;
  for (const auto& [name, l] : links_)
    if (!merged(name).empty()) out.push_back(name);
  return out;
}

}  // namespace ipadm::dns
