// VolatileStore: the mirror of the daemon's address-object map on tmpfs
// (/run/ipadm/aobjmap.db). It survives a daemon restart (including SIGKILL),
// not a reboot. Each call is one atomic transaction; durability against a
// process crash only (synchronous=OFF is enough on tmpfs).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/objects.h"
#include "common/status.h"
#include "store/store.h"

namespace ipadm::store {

struct VolatileState {
  std::vector<IfObj> ifs;
  std::vector<AddrObj> addrs;
  std::map<std::string, std::string> values;  // see put_values
  std::vector<RouteRecord> temp_routes;        // see put_temp_routes
};

class VolatileStore {
 public:
  virtual ~VolatileStore() = default;
  virtual Result<VolatileState> load() = 0;
  virtual Status put_if(const IfObj& o) = 0;
  virtual Status del_if(const std::string& ifname) = 0;  // and its addrs
  virtual Status put_addr(const AddrObj& o) = 0;
  virtual Status del_addr(const std::string& aobjname) = 0;
  // The temporary property values the daemon keeps itself (core::PropService:
  // values with no home in the kernel), opaque key -> value. Replaces the
  // whole set in one transaction.
  virtual Status put_values(const std::map<std::string, std::string>& values) = 0;
  // The temporary routes (create-route -t), in creation order. Replaces the
  // whole set in one transaction (a host has few).
  virtual Status put_temp_routes(const std::vector<RouteRecord>& routes) = 0;
  // Many at once (boot restore); implementations should use one transaction.
  virtual Status put_addrs(const std::vector<AddrObj>& objs) {
    for (auto& o : objs) IPADM_TRY(put_addr(o));
    return Status::ok();
  }
};

}  // namespace ipadm::store
