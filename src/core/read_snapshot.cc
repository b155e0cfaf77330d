#include "core/read_snapshot.h"

#include <algorithm>

namespace ipadm::core {

namespace {
bool name_less(const AddrShard::EntryPtr& e, const std::string& n) { return e->aobjname < n; }
}  // namespace

AddrShard AddrShard::of(std::vector<EntryPtr> sorted) {
  AddrShard s;
  s.size_ = sorted.size();
  for (size_t i = 0; i < sorted.size(); i += kChunk) {
    auto end = sorted.begin() + static_cast<long>(std::min(sorted.size(), i + kChunk));
    s.chunks_.push_back(std::make_shared<const Chunk>(
        std::make_move_iterator(sorted.begin() + static_cast<long>(i)), std::make_move_iterator(end)));
  }
  return s;
}

const AddrEntry* AddrShard::find(const std::string& aobjname) const {
  // The first chunk whose last name is not before aobjname holds it, if any.
  auto c = std::lower_bound(chunks_.begin(), chunks_.end(), aobjname,
                            [](const auto& ch, const std::string& n) { return ch->back()->aobjname < n; });
  if (c == chunks_.end()) return nullptr;
  auto it = std::lower_bound((*c)->begin(), (*c)->end(), aobjname, name_less);
  return it != (*c)->end() && (*it)->aobjname == aobjname ? it->get() : nullptr;
}

void AddrShard::put(const std::string& aobjname, EntryPtr e) {
  if (chunks_.empty()) {
    if (!e) return;
    chunks_.push_back(std::make_shared<const Chunk>(Chunk{std::move(e)}));
    size_ = 1;
    return;
  }
  auto pos = std::lower_bound(chunks_.begin(), chunks_.end(), aobjname,
                              [](const auto& ch, const std::string& n) { return ch->back()->aobjname < n; });
  if (pos == chunks_.end()) --pos;  // after every name: the last chunk
  const size_t i = static_cast<size_t>(pos - chunks_.begin());
  auto c = std::make_shared<Chunk>(*chunks_[i]);  // this chunk only is copied
  auto at = std::lower_bound(c->begin(), c->end(), aobjname, name_less);
  const bool found = at != c->end() && (*at)->aobjname == aobjname;
  if (!e) {
    if (!found) return;
    c->erase(at);
    --size_;
  } else if (found) {
    *at = std::move(e);
  } else {
    c->insert(at, std::move(e));
    ++size_;
  }
  if (c->empty()) {
    chunks_.erase(chunks_.begin() + static_cast<long>(i));
  } else if (c->size() > 2 * kChunk) {
    auto hi = std::make_shared<const Chunk>(c->begin() + static_cast<long>(c->size() / 2), c->end());
    c->resize(c->size() / 2);
    chunks_[i] = std::move(c);
    chunks_.insert(chunks_.begin() + static_cast<long>(i) + 1, std::move(hi));
  } else {
    chunks_[i] = std::move(c);
  }
}

const AddrShard* ReadSnapshot::shard(const std::string& ifname) const {
  auto it = shards.find(ifname);
  return it == shards.end() ? nullptr : it->second.get();
}

std::string ifname_of_aobj(const std::string& aobjname) {
  return aobjname.substr(0, aobjname.find('/'));
}

}  // namespace ipadm::core
