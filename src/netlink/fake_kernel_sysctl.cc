// FakeKernel: the sysctl map and its Linux defaults.
#include <cerrno>
#include <utility>

#include "netlink/fake_kernel.h"
#include "netlink/sysctl.h"

namespace ipadm::netlink {
namespace {

using Row = std::pair<const char*, const char*>;

// Global values of a freshly booted Linux (a subset ipadm properties use).
constexpr Row kGlobalDefaults[] = {
    {"net/ipv4/ip_forward", "0"},
    {"net/ipv4/ip_default_ttl", "64"},
    {"net/ipv4/ip_local_port_range", "32768\t60999"},
    {"net/ipv4/ip_unprivileged_port_start", "1024"},
    {"net/ipv4/tcp_ecn", "2"},
    {"net/ipv4/tcp_sack", "1"},
    {"net/ipv4/tcp_congestion_control", "cubic"},
    {"net/ipv4/tcp_available_congestion_control", "reno cubic"},
    {"net/ipv4/tcp_rmem", "4096\t131072\t6291456"},
    {"net/ipv4/tcp_wmem", "4096\t16384\t4194304"},
    {"net/core/rmem_max", "212992"},
    {"net/core/wmem_max", "212992"},
    {"net/core/rmem_default", "212992"},
    {"net/core/wmem_default", "212992"},
    {"net/ipv4/conf/all/forwarding", "0"},
    {"net/ipv4/conf/default/forwarding", "0"},
    {"net/ipv6/conf/all/forwarding", "0"},
    {"net/ipv6/conf/default/forwarding", "0"},
    {"net/ipv6/conf/all/hop_limit", "64"},
    {"net/ipv6/conf/default/hop_limit", "64"},
    {"net/ipv6/conf/all/disable_ipv6", "0"},
    {"net/ipv6/conf/default/disable_ipv6", "0"},
};

// Per-link values, under net/ipv4/conf/<if>/ and net/ipv6/conf/<if>/.
constexpr Row kLinkV4Defaults[] = {
    {"forwarding", "0"}, {"arp_ignore", "0"}, {"arp_announce", "0"},
    {"rp_filter", "0"},  {"send_redirects", "1"}, {"accept_redirects", "1"},
    {"promote_secondaries", "0"},
};
constexpr Row kLinkV6Defaults[] = {
    {"forwarding", "0"},   {"disable_ipv6", "0"},  {"hop_limit", "64"},
    {"accept_ra", "1"},    {"autoconf", "1"},      {"addr_gen_mode", "0"},
    {"accept_dad", "1"},   {"dad_transmits", "1"}, {"use_tempaddr", "0"},
    {"keep_addr_on_down", "0"},
};

}  // namespace

FakeKernel::FakeKernel() {
  for (const auto& [path, value] : kGlobalDefaults) sysctls_[path] = value;
}

void FakeKernel::seed_link_sysctls(const std::string& ifname, uint32_t mtu) {
  for (const auto& [name, value] : kLinkV4Defaults)
    sysctls_["net/ipv4/conf/" + ifname + "/" + name] = value;
  for (const auto& [name, value] : kLinkV6Defaults)
    sysctls_["net/ipv6/conf/" + ifname + "/" + name] = value;
  sysctls_["net/ipv6/conf/" + ifname + "/mtu"] = std::to_string(mtu);
}

void FakeKernel::set_sysctl(const std::string& path, std::string value) {
  sysctls_[path] = std::move(value);
}

void FakeKernel::erase_sysctl(const std::string& path) { sysctls_.erase(path); }

std::optional<std::string> FakeKernel::sysctl(const std::string& path) const {
  auto it = sysctls_.find(path);
  if (it == sysctls_.end()) return std::nullopt;
  return it->second;
}

Result<std::string> FakeKernel::sysctl_get(const std::string& path) {
  if (auto f = enter(FakeOp::kSysctlGet)) return *f;
  IPADM_TRY(check_sysctl_path(path));
  auto it = sysctls_.find(path);
  if (it == sysctls_.end()) return Status(Errc::NotFound, path, ENOENT);
  return it->second;
}

Status FakeKernel::sysctl_set(const std::string& path, const std::string& value) {
  if (auto f = enter(FakeOp::kSysctlSet)) return *f;
  IPADM_TRY(check_sysctl_path(path));
  auto it = sysctls_.find(path);
  if (it == sysctls_.end()) return Status(Errc::NotFound, path, ENOENT);
  it->second = value;
  // Linux drops a link's IPv6 addresses when IPv6 is disabled on it.
  const std::string prefix = "net/ipv6/conf/";
  const std::string suffix = "/disable_ipv6";
  if (value == "1" && path.starts_with(prefix) && path.ends_with(suffix)) {
    std::string ifname = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
    if (const Link* l = find_link(ifname)) drop_v6(l->ifindex);
  }
  return Status::ok();
}

}  // namespace ipadm::netlink
