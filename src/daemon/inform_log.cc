#include "daemon/inform_log.h"

#include "daemon/log.h"

namespace ipadm::daemon {

namespace {
std::string join(const std::vector<IpAddr>& v) {
  std::string s;
  for (auto& a : v) s += (s.empty() ? "" : ",") + a.to_string();
  return s.empty() ? "-" : s;
}
}  // namespace

Result<dhcp::InformReply> inform_and_log(const std::string& aobjname, const std::string& ifname,
                                         const std::string& hwaddr, const IpAddr& local) {
  auto r = dhcp::inform(ifname, hwaddr, local, kInformWaitMs);
  if (!r) {
    log_info("%s: DHCP INFORM: %s", aobjname.c_str(), r.status().to_string().c_str());
    return r;
  }
  log_info("%s: DHCP INFORM answered by %s: routers %s, dns %s, domain %s", aobjname.c_str(),
           r->server.to_string().c_str(), join(r->routers).c_str(), join(r->dns).c_str(),
           r->domain.empty() ? "-" : r->domain.c_str());
  return r;
}

}  // namespace ipadm::daemon
