#include "core/link_guard.h"

#include <net/if.h>
#include <sys/socket.h>

#include <charconv>

#include "core/addr_owner.h"

namespace ipadm::core {

namespace {
// The addr_gen_mode sysctl's text as IFLA_INET6_ADDR_GEN_MODE (eui64 if
// unreadable).
uint8_t gen_mode_value(const std::string& text) {
  uint8_t mode = 0;
  std::from_chars(text.data(), text.data() + text.size(), mode);
  return mode;
}
}  // namespace

Result<bool> in_use_by_others(netlink::Kernel& kernel, const AddrObjMap& map,
                              const std::string& ifname, int ifindex) {
  auto addrs = kernel.addrs(AF_UNSPEC, ifindex);
  IPADM_TRY(addrs);
  for (const auto& a : *addrs)
    if (!addr_owner(map, ifname, a)) return true;
  return false;
}

Status LinkChanges::set_sysctl(const std::string& path, const std::string& value) {
  auto old = kernel_->sysctl_get(path);
  IPADM_TRY(old);
  if (*old == value) return Status::ok();
  IPADM_TRY(kernel_->sysctl_set(path, value));
  log_.push_back({Kind::kSysctl, path, *old});
  return Status::ok();
}

Status LinkChanges::set_addr_gen_mode(uint8_t mode) {
  auto old = kernel_->sysctl_get("net/ipv6/conf/" + ifname_ + "/addr_gen_mode");
  if (old && *old == std::to_string(mode)) return Status::ok();
  IPADM_TRY(kernel_->link_set_addr_gen_mode(ifindex_, mode));
  // Unreadable before (an old kernel): the kernel's default is eui64 (0).
  log_.push_back({Kind::kGenMode, "", old ? *old : "0"});
  return Status::ok();
}

Status LinkChanges::set_up() {
  auto link = kernel_->link_by_name(ifname_);
  IPADM_TRY(link);
  if (link->flags & IFF_UP) return Status::ok();
  IPADM_TRY(kernel_->link_set_up(ifindex_, true));
  log_.push_back({Kind::kUp, "", ""});
  return Status::ok();
}

void LinkChanges::revert() {
  for (auto it = log_.rbegin(); it != log_.rend(); ++it) {
    switch (it->kind) {
      case Kind::kSysctl:
        kernel_->sysctl_set(it->path, it->old).ignore();
        break;
      case Kind::kGenMode:
        kernel_->link_set_addr_gen_mode(ifindex_, gen_mode_value(it->old)).ignore();
        break;
      case Kind::kUp:
        kernel_->link_set_up(ifindex_, false).ignore();
        break;
    }
  }
  log_.clear();
}

}  // namespace ipadm::core
