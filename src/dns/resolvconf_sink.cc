#include "dns/resolvconf_sink.h"

#include "dns/resolv_conf.h"

namespace ipadm::dns {

Status ResolvconfSink::apply(const std::string& ifname, int ifindex, const LinkDns& d) {
  const std::string record = ifname + ".ipadm";
  if (d.empty()) return exec_({program_, "-d", record, "-f"}, "");
  return exec_({program_, "-a", record}, format_link_conf(ifname, d));
}

}  // namespace ipadm::dns
