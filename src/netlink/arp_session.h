// Running a ProbeSet (arp_probe.h) on a link: the socket seam (ArpLink, a
// raw AF_PACKET socket in production, a fake in tests), the clock seam and
// the loop that drives the schedule.
//
// Thread rules: an ArpLink and a session belong to one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "common/status.h"
#include "netlink/arp_probe.h"

namespace ipadm::netlink::arp {

// ARP on one link (ETH_P_ARP, link header added and removed by the socket).
class ArpLink {
 public:
  virtual ~ArpLink() = default;
  // Sends `frame` to the link's broadcast address.
  virtual Status send(std::span<const uint8_t> frame) = 0;
  // Waits up to timeout_ms (>= 0) for one ARP payload received on the link
  // (never one the host sent); nullopt on timeout.
  virtual Result<std::optional<std::vector<uint8_t>>> recv(int timeout_ms) = 0;
};

// A raw socket (AF_PACKET, SOCK_DGRAM, ETH_P_ARP) bound to ifindex.
// Needs CAP_NET_RAW.
Result<std::unique_ptr<ArpLink>> open_packet_link(int ifindex);

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t now_ms() = 0;
};
// std::chrono::steady_clock.
Clock& steady_clock();

// Drives `set` on `link` until it is finished or `stop()` says so (checked
// at least every 100 ms). Calls `on_decided()` once, as soon as the verdict
// is final (before the announcements). A failing link ends the session: the
// verdict is then what was received so far (on_decided is still called);
// the failure is returned.
Status run_probe_session(ProbeSet& set, ArpLink& link, Clock& clock,
                         const std::function<bool()>& stop,
                         const std::function<void()>& on_decided);

}  // namespace ipadm::netlink::arp
