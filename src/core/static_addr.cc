#include "core/static_addr.h"

#include <netdb.h>
#include <sys/socket.h>

#include <cstring>
#include <vector>

#include "common/addr_check.h"
#include "common/addr_extra.h"
#include "core/service.h"

namespace ipadm::core {

// getaddrinfo(3) for host names only: numeric text is read by read_host
// (inet_pton forms), never handed to getaddrinfo, whose inet_aton fallback
// would take 192.0.2.010 as octal.
Result<IpAddr> resolve_host(const std::string& host) {
  auto h = read_host(host);
  IPADM_TRY(h);
  if (h->numeric) return h->addr;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0 || !res)
    return Status(Errc::BadAddr, host);
  std::vector<IpAddr> found;
  for (addrinfo* p = res; p; p = p->ai_next) {
    IpAddr a;
    if (p->ai_family == AF_INET) {
      a.family = AF_INET;
      std::memcpy(a.bytes.data(), &reinterpret_cast<sockaddr_in*>(p->ai_addr)->sin_addr, 4);
    } else if (p->ai_family == AF_INET6) {
      a.family = AF_INET6;
      std::memcpy(a.bytes.data(), &reinterpret_cast<sockaddr_in6*>(p->ai_addr)->sin6_addr, 16);
      a = a.unmapped();
    } else {
      continue;
    }
    bool dup = false;
    for (auto& f : found) dup |= f == a;
    if (!dup) found.push_back(a);
  }
  freeaddrinfo(res);
  if (found.empty()) return Status(Errc::BadAddr, host);
  if (found.size() > 1) return Status(Errc::BadHostname, host);
  return found[0];
}

Result<StaticHost> read_static_host(const std::function<Result<IpAddr>(const std::string&)>& resolve,
                                    std::string_view text, std::string_view ifname,
                                    const std::function<bool()>& loopback_link) {
  auto h = read_host(text);
  IPADM_TRY(h);
  IPADM_TRY(check_scope(*h, ifname));
  StaticHost out{h->addr, h->stored};
  if (!h->numeric) {
    auto r = resolve(h->stored);
    IPADM_TRY(r);
    out.addr = r->unmapped();
  }
  const bool lo_link = is_loopback_addr(out.addr) && loopback_link();
  IPADM_TRY(check_link_addr(out.addr, lo_link, text));
  return out;
}

Status check_create_addr_fields(const rpc::CreateAddrReq& req) {
  std::string given;
  if (!req.local().empty() || !req.remote().empty()) given += 'a';
  if (req.down()) given += 'd';
  if (!req.wait().empty()) given += 'w';
  if (req.primary()) given += '1';
  if (!req.reqhost().empty()) given += 'h';
  if (!req.interface_id().empty()) given += 'i';
  if (!req.policy().empty()) given += 'p';
  return check_addr_type_options(req.type(), given);
}

}  // namespace ipadm::core
