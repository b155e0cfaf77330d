#include "dns/applier.h"

#include <time.h>

#include <chrono>

namespace ipadm::dns {

int64_t Applier::monotonic_secs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec;
}

void Applier::start(std::function<void()> first) {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this, first = std::move(first)] {
    if (first) first();
    std::unique_lock lock(mu_);
    while (!stopping_) {
      auto next = state_.next_expiry();
      if (!next) {
        cv_.wait(lock);
        continue;
      }
      int64_t wait = *next - clock_();
      if (wait > 0) {
        cv_.wait_for(lock, std::chrono::seconds(wait));
        continue;  // woken early (new state) or due: look again
      }
      for (const std::string& ifname : state_.expire(clock_())) push_locked_(ifname);
    }
  });
}

void Applier::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Applier::remember_locked_(const std::string& ifname, int ifindex) {
  if (ifindex > 0) ifindex_[ifname] = ifindex;
}

void Applier::push_locked_(const std::string& ifname) {
  if (!sink_) {
    sink_ = factory_();
    if (!sink_) return;
    if (log_) log_("learned DNS goes to " + sink_->name());
  }
  auto it = ifindex_.find(ifname);
  const int ifindex = it == ifindex_.end() ? 0 : it->second;
  LinkDns d = state_.merged(ifname);
  if (Status s = sink_->apply(ifname, ifindex, d); !s && log_)
    log_(ifname + ": DNS not applied (" + sink_->name() + "): " + s.to_string());
  if (d.empty()) ifindex_.erase(ifname);
}

void Applier::lease(const std::string& ifname, int ifindex, Source src, const std::string& key,
                    LinkDns d) {
  std::lock_guard lock(mu_);
  remember_locked_(ifname, ifindex);
  if (state_.set_lease(ifname, src, key, std::move(d))) push_locked_(ifname);
}

void Applier::lease_gone(const std::string& key) {
  std::lock_guard lock(mu_);
  if (auto ifname = state_.drop_lease(key)) push_locked_(*ifname);
}

void Applier::ra_servers(const std::string& ifname, int ifindex,
                         const std::vector<IpAddr>& servers, uint32_t lifetime) {
  std::lock_guard lock(mu_);
  remember_locked_(ifname, ifindex);
  if (state_.ra_servers(ifname, servers, lifetime, clock_())) push_locked_(ifname);
  cv_.notify_all();  // the next expiry may be earlier now
}

void Applier::ra_domains(const std::string& ifname, int ifindex,
                         const std::vector<std::string>& domains, uint32_t lifetime) {
  std::lock_guard lock(mu_);
  remember_locked_(ifname, ifindex);
  if (state_.ra_domains(ifname, domains, lifetime, clock_())) push_locked_(ifname);
  cv_.notify_all();
}

void Applier::ra_gone(const std::string& ifname) {
  std::lock_guard lock(mu_);
  if (state_.drop_ra(ifname)) push_locked_(ifname);
}

void Applier::link_gone(const std::string& ifname) {
  std::lock_guard lock(mu_);
  if (state_.drop_link(ifname)) push_locked_(ifname);
  ifindex_.erase(ifname);
}

void Applier::expire_now() {
  std::lock_guard lock(mu_);
  for (const std::string& ifname : state_.expire(clock_())) push_locked_(ifname);
}

LinkDns Applier::merged(const std::string& ifname) const {
  std::lock_guard lock(mu_);
  return state_.merged(ifname);
}

}  // namespace ipadm::dns
