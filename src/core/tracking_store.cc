#include "core/tracking_store.h"

#include <set>
#include <type_traits>

namespace ipadm::core {

Status TrackingStore::apply(const store::Batch& batch) {
  IPADM_TRY(inner_.apply(batch));
  std::set<std::string> deleted, deleted_ifs;  // by this batch
  for (const store::Op& op : batch.ops) {
    std::visit(
        [&](const auto& o) {
          using T = std::decay_t<decltype(o)>;
          if constexpr (std::is_same_v<T, store::PutIf>) {
            touched_.ifs = true;
          } else if constexpr (std::is_same_v<T, store::DelIf>) {
            touched_.ifs = true;
            touched_.whole.insert(o.ifname);
            deleted_ifs.insert(o.ifname);
          } else if constexpr (std::is_same_v<T, store::PutAddr>) {
            touched_.aobjnames.insert(o.rec.aobjname);
            // Deleted and put again: it went to the end of the store order.
            if (deleted.count(o.rec.aobjname) || deleted_ifs.count(o.rec.ifname))
              touched_.all = true;
          } else if constexpr (std::is_same_v<T, store::DelAddr>) {
            touched_.aobjnames.insert(o.aobjname);
            deleted.insert(o.aobjname);
          } else if constexpr (std::is_same_v<T, store::PutProp>) {
            if (!o.rec.aobjname.empty()) touched_.aobjnames.insert(o.rec.aobjname);
          } else if constexpr (std::is_same_v<T, store::DelProp>) {
            if (!o.key.aobjname.empty()) touched_.aobjnames.insert(o.key.aobjname);
          }
        },
        op);
  }
  return Status::ok();
}

}  // namespace ipadm::core
