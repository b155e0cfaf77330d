// Touched: what changed in the daemon's state since it was last published
// to readers (core/read_snapshot.h). The map (AddrObjMap), the store
// (TrackingStore) and the Service each note their own changes; the Service
// merges them at each release of its lock.
#pragma once

#include <set>
#include <string>

namespace ipadm::core {

struct Touched {
  std::set<std::string> aobjnames;  // objects: live object, record, properties, DAD state
  std::set<std::string> whole;      // interfaces whose objects are all read again
  bool ifs = false;                 // interface objects, records or delegations
  bool all = false;                 // everything (start-up, a batch that reorders records)
  bool empty() const { return aobjnames.empty() && whole.empty() && !ifs && !all; }
  void merge(Touched t) {
    aobjnames.merge(t.aobjnames);
    whole.merge(t.whole);
    ifs = ifs || t.ifs;
    all = all || t.all;
  }
};

}  // namespace ipadm::core
