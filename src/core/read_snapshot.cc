#include "core/read_snapshot.h"

#include <algorithm>

namespace ipadm::core {

const AddrEntry* AddrShard::find(const std::string& aobjname) const {
  auto it = std::lower_bound(
      entries.begin(), entries.end(), aobjname,
      [](const std::shared_ptr<const AddrEntry>& e, const std::string& n) { return e->aobjname < n; });
  return it != entries.end() && (*it)->aobjname == aobjname ? it->get() : nullptr;
}

const AddrShard* ReadSnapshot::shard(const std::string& ifname) const {
  auto it = shards.find(ifname);
  return it == shards.end() ? nullptr : it->second.get();
}

std::string ifname_of_aobj(const std::string& aobjname) {
  return aobjname.substr(0, aobjname.find('/'));
}

}  // namespace ipadm::core
