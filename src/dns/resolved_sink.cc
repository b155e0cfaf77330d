#include "dns/resolved_sink.h"

namespace ipadm::dns {

Status ResolvedSink::apply(const std::string& ifname, int ifindex, const LinkDns& d) {
  if (ifindex <= 0) return Status(Errc::NotFound, ifname + ": no interface index");
  if (d.empty()) return bus_->revert_link(ifindex);
  IPADM_TRY(bus_->set_link_dns(ifindex, d.servers));
  return bus_->set_link_domains(ifindex, d.domains);
}

}  // namespace ipadm::dns
