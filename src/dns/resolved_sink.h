// ResolvedSink: learned DNS as systemd-resolved's per-link configuration,
// through the ResolvedBus calls on org.freedesktop.resolve1.Manager:
//   changed: SetLinkDNS(ifindex, servers) then SetLinkDomains(ifindex,
//            domains as search domains, not routing-only)
//   empty:   RevertLink(ifindex)
// SdBusResolved (resolved_bus.cc) is the sd-bus implementation; unit tests
// use a fake.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "dns/sink.h"

namespace ipadm::dns {

class ResolvedBus {
 public:
  virtual ~ResolvedBus() = default;
  // Whether org.freedesktop.resolve1 has an owner on the bus now.
  virtual bool present() = 0;
  virtual Status set_link_dns(int ifindex, const std::vector<IpAddr>& servers) = 0;
  virtual Status set_link_domains(int ifindex, const std::vector<std::string>& domains) = 0;
  virtual Status revert_link(int ifindex) = 0;
};

// The system bus (sd_bus_open_system); NotFound if it cannot be opened.
Result<std::unique_ptr<ResolvedBus>> open_resolved_bus();

class ResolvedSink : public Sink {
 public:
  explicit ResolvedSink(std::unique_ptr<ResolvedBus> bus) : bus_(std::move(bus)) {}
  Status apply(const std::string& ifname, int ifindex, const LinkDns& d) override;
  std::string name() const override { return "systemd-resolved"; }

 private:
  std::unique_ptr<ResolvedBus> bus_;
};

}  // namespace ipadm::dns
