// Background probe sessions (dad4.h).
#include "core/dad4.h"

#include <chrono>

namespace ipadm::core {

Dad4::~Dad4() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  std::list<std::unique_ptr<Session>> all;
  {
    std::lock_guard lock(mu_);
    all.swap(sessions_);
  }
  for (auto& s : all)
    if (s->thread.joinable()) s->thread.join();
}

bool Dad4::wait_(int ms) {
  std::unique_lock lock(mu_);
  return !stop_cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_.load(); });
}

void Dad4::reap_locked_() {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if ((*it)->done) {
      (*it)->thread.join();
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
}

void Dad4::start(int ifindex, const netlink::arp::Mac& mac,
                 std::vector<netlink::arp::Mac> host_macs, std::vector<Dad4Target> targets,
                 Sink sink, int delay_ms) {
  if (targets.empty()) return;
  auto session = std::make_unique<Session>();
  Session* self = session.get();
  auto body = [this, self, ifindex, mac, delay_ms, host_macs = std::move(host_macs),
               targets = std::move(targets), sink = std::move(sink)]() mutable {
    // A delayed session holds no socket while it waits.
    if (delay_ms > 0 && !wait_(delay_ms)) {
      self->done = true;
      return;
    }
    std::vector<IpAddr> addrs;
    addrs.reserve(targets.size());
    for (auto& t : targets) addrs.push_back(t.local);
    netlink::arp::ProbeSet set(mac, std::move(host_macs), std::move(addrs), timing_,
                               clock_.now_ms());
    auto deliver = [&] {
      if (stopping_) return;
      std::vector<Dad4Verdict> v;
      v.reserve(targets.size());
      for (size_t i = 0; i < targets.size(); ++i)
        v.push_back({std::move(targets[i]), set.conflicts()[i]});
      sink(ifindex, std::move(v));
    };
    auto link = links_(ifindex);
    if (!link) {
      deliver();  // no socket: no conflict can be seen
    } else {
      netlink::arp::run_probe_session(set, **link, clock_, [this] { return stopping_.load(); },
                                      deliver)
          .ignore();
    }
    self->done = true;
  };
  std::lock_guard lock(mu_);
  if (stopping_) return;
  reap_locked_();
  session->thread = std::thread(std::move(body));
  sessions_.push_back(std::move(session));
}

}  // namespace ipadm::core
