#include "dns/early_bus.h"

namespace ipadm::dns {

void EarlyBus::open() {
  std::lock_guard lock(mu_);
  if (auto b = open_resolved_bus()) bus_ = std::move(*b);
}

void EarlyBus::warm_up() {
  std::lock_guard lock(mu_);
  if (bus_) bus_->present();  // the answer does not matter, the handshake does
}

std::unique_ptr<ResolvedBus> EarlyBus::take() {
  {
    std::lock_guard lock(mu_);
    if (bus_) return std::move(bus_);
  }
  auto b = open_resolved_bus();
  if (!b) return nullptr;
  return std::move(*b);
}

}  // namespace ipadm::dns
