// PropService::check_persistent: the checks of set-prop, set-ifprop and
// set-addrprop, applied to a property record an import brings
// (docs/import-export.md "What an import checks"). The same name checks
// (resolve_proto_prop, if_prop_ref, addr_prop_ref) and value checks
// (normalize, IfProp::check, AddrProp::check) as the set-* handlers.
#include "core/props.h"
#include "core/props_impl.h"

namespace ipadm::core {

using namespace props;

namespace {
constexpr uint32_t kUnknownLinkMtu = 65535;  // the link is not there yet: no upper bound
}

Result<std::string> PropService::check_persistent(const store::PropRecord& r,
                                                  const AddrObj* addr,
                                                  std::optional<uint32_t> link_mtu) {
  if (r.value.empty()) return Status(Errc::InvalidArg, "empty value");
  if (!r.aobjname.empty()) {
    if (!addr) return Status(Errc::NotFound, r.aobjname);
    auto p = addr_prop_ref(*addr, r.name, true);
    IPADM_TRY(p);
    return (*p)->check(*addr, r.value);
  }
  if (!r.ifname.empty()) {
    auto p = if_prop_ref(r.protocol, r.name);
    IPADM_TRY(p);
    auto link = kernel_.link_by_name(r.ifname);
    IfCtx c{.kernel = kernel_, .link = link ? *link : netlink::Link{},
            .fam = family_bit(r.protocol), .base_mtu = std::nullopt, .mtu_managed = false};
    c.link.ifname = r.ifname;
    if (link_mtu) c.link.mtu = *link_mtu;
    else if (!link) c.link.mtu = kUnknownLinkMtu;
    return (*p)->check(c, r.value);
  }
  auto bits = proto_bits(r.protocol);
  if (!bits) return Status(Errc::InvalidArg, "invalid protocol '" + r.protocol + "' specified");
  auto ref = resolve_proto_prop(r.name, *bits);
  IPADM_TRY(ref);
  return normalize(kernel_, *ref->prop, ref->proto, r.value);
}

}  // namespace ipadm::core
