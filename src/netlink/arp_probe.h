// IPv4 address conflict detection (RFC 5227): the ARP packet codec and the
// probe/announce schedule of a set of addresses on one link. Pure: no
// sockets, no clock. Time is passed in (milliseconds of any monotonic
// clock); the socket I/O and the threads live in arp_session.h and
// core/dad4.h.
//
// The schedule is illumos's "fast probe" (tunables _arp_fastprobe_delay,
// _arp_fastprobe_interval, _arp_fastprobe_count): after `probe_delay_ms`,
// `probe_count` ARP probes `probe_interval_ms` apart; one interval after
// the last probe the verdict is final; then `announce_count` ARP
// announcements (RFC 5227 ANNOUNCE_NUM, ANNOUNCE_INTERVAL) for every
// address without a conflict. There is no defence after the verdict (as on
// Linux, whose kernel does not do RFC 5227 at all).
//
// Thread rules: a ProbeSet is a plain value, used by one thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "common/ipaddr.h"

namespace ipadm::netlink::arp {

using Mac = std::array<uint8_t, 6>;
constexpr size_t kArpLen = 28;  // Ethernet/IPv4 ARP payload (no link header)
using Frame = std::array<uint8_t, kArpLen>;

constexpr uint16_t kOpRequest = 1;
constexpr uint16_t kOpReply = 2;

// One received ARP packet, Ethernet hardware and IPv4 protocol addresses.
struct Packet {
  uint16_t op = 0;
  Mac sha{};
  IpAddr spa;
  Mac tha{};
  IpAddr tpa;
};

// RFC 5227 2.1: an ARP request from `own` for `target`, sender IP 0.0.0.0.
Frame build_probe(const Mac& own, const IpAddr& target);
// RFC 5227 2.3: an ARP request from `own` with sender and target IP `addr`.
Frame build_announcement(const Mac& own, const IpAddr& addr);
// Parses an ARP payload; nullopt unless it is Ethernet/IPv4 ARP (hardware
// type 1, protocol 0x0800, lengths 6/4), op request or reply.
std::optional<Packet> parse(std::span<const uint8_t> payload);

// RFC 5227 2.1.1: does `p`, received while probing `probed`, show that
// another host uses (or is probing for) it? `host_macs` are the hardware
// addresses of this host's interfaces: their packets are our own (sent, or
// answered by the kernel on another interface of the same host) and never a
// conflict (illumos: AR_LOOPBACK).
bool is_conflict(const Packet& p, const IpAddr& probed, std::span<const Mac> host_macs);

struct Timing {
  int probe_delay_ms = 100;         // illumos _arp_fastprobe_delay
  int probe_interval_ms = 150;      // illumos _arp_fastprobe_interval
  int probe_count = 3;              // illumos _arp_fastprobe_count; 0 = no probing
  int announce_count = 2;           // RFC 5227 ANNOUNCE_NUM
  int announce_interval_ms = 2000;  // RFC 5227 ANNOUNCE_INTERVAL
  // A duplicate address is probed again after this long, and comes back
  // when no other host answers (illumos _dup_recovery); 0 = never.
  int recovery_ms = 300000;
  // Time from the start to the verdict.
  int verdict_ms() const { return probe_delay_ms + probe_count * probe_interval_ms; }
};

// The probing of `addrs` (IPv4, distinct) on one link whose hardware
// address is `own`, started at `start_ms`.
class ProbeSet {
 public:
  ProbeSet(const Mac& own, std::vector<Mac> host_macs, std::vector<IpAddr> addrs,
           const Timing& timing, int64_t start_ms);

  // The frames whose time has come by now_ms, in schedule order; the
  // schedule advances past them. Probes and announcements are not sent for
  // addresses already found in conflict.
  std::vector<Frame> due(int64_t now_ms);
  // A received ARP payload. Counts only before the verdict.
  void receive(std::span<const uint8_t> payload);
  // The time of the next scheduled step; nullopt once finished.
  std::optional<int64_t> next_ms() const;
  // Probing is over: conflicts() is final.
  bool decided() const { return step_ > timing_.probe_count; }
  // Every announcement is sent too.
  bool finished() const { return step_ > timing_.probe_count + timing_.announce_count; }
  // Per address (in constructor order): another host uses it.
  const std::vector<bool>& conflicts() const { return conflict_; }
  const std::vector<IpAddr>& addrs() const { return addrs_; }

 private:
  int64_t step_ms(int step) const;

  Mac own_;
  std::vector<Mac> host_macs_;
  std::vector<IpAddr> addrs_;
  std::vector<bool> conflict_;
  std::unordered_map<uint32_t, size_t> index_;  // IPv4 (host order) -> addrs_ index
  Timing timing_;
  int64_t start_ms_;
  // Steps 0..probe_count-1: probes; probe_count: the verdict; then the
  // announcements.
  int step_ = 0;
};

}  // namespace ipadm::netlink::arp
