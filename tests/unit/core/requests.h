// Request builders shared by the core unit tests.
#pragma once

#include <string>

#include "ipmgmt.pb.h"

namespace ipadm::core {

inline rpc::CreateIfReq if_req(const std::string& ifname, bool temporary = false) {
  rpc::CreateIfReq r;
  r.set_ifname(ifname);
  r.set_temporary(temporary);
  return r;
}

inline rpc::CreateAddrReq static_addr_req(const std::string& aobjname, const std::string& local,
                                          bool temporary = false,
                                          const std::string& remote = "", bool down = false) {
  rpc::CreateAddrReq r;
  r.set_aobjname(aobjname);
  r.set_type("static");
  r.set_local(local);
  r.set_remote(remote);
  r.set_temporary(temporary);
  r.set_down(down);
  return r;
}

}  // namespace ipadm::core
