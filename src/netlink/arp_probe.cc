// RFC 5227 probing: ARP codec and the schedule of a ProbeSet (arp_probe.h).
#include "netlink/arp_probe.h"

#include <sys/socket.h>

#include <algorithm>
#include <cstring>

namespace ipadm::netlink::arp {
namespace {

constexpr uint16_t kHwEther = 1;
constexpr uint16_t kProtoIpv4 = 0x0800;

void put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
uint16_t get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

IpAddr v4(const uint8_t* p) {
  IpAddr a;
  a.family = AF_INET;
  std::memcpy(a.bytes.data(), p, 4);
  return a;
}

uint32_t key(const IpAddr& a) {
  return uint32_t{a.bytes[0]} << 24 | uint32_t{a.bytes[1]} << 16 | uint32_t{a.bytes[2]} << 8 |
         a.bytes[3];
}

// Ethernet/IPv4 ARP request; layout of RFC 826.
Frame request(const Mac& sha, const uint8_t* spa, const IpAddr& tpa) {
  Frame f{};
  put16(&f[0], kHwEther);
  put16(&f[2], kProtoIpv4);
  f[4] = 6;
  f[5] = 4;
  put16(&f[6], kOpRequest);
  std::memcpy(&f[8], sha.data(), 6);
  std::memcpy(&f[14], spa, 4);
  // tha (f[18..23]) stays zero: RFC 5227 2.1.1 / 2.3
  std::memcpy(&f[24], tpa.bytes.data(), 4);
  return f;
}

}  // namespace

Frame build_probe(const Mac& own, const IpAddr& target) {
  const uint8_t zero[4] = {0, 0, 0, 0};
  return request(own, zero, target);
}

Frame build_announcement(const Mac& own, const IpAddr& addr) {
  return request(own, addr.bytes.data(), addr);
}

std::optional<Packet> parse(std::span<const uint8_t> b) {
  if (b.size() < kArpLen) return std::nullopt;
  if (get16(&b[0]) != kHwEther || get16(&b[2]) != kProtoIpv4 || b[4] != 6 || b[5] != 4)
    return std::nullopt;
  Packet p;
  p.op = get16(&b[6]);
  if (p.op != kOpRequest && p.op != kOpReply) return std::nullopt;
  std::memcpy(p.sha.data(), &b[8], 6);
  p.spa = v4(&b[14]);
  std::memcpy(p.tha.data(), &b[18], 6);
  p.tpa = v4(&b[24]);
  return p;
}

bool is_conflict(const Packet& p, const IpAddr& probed, std::span<const Mac> host_macs) {
  if (std::find(host_macs.begin(), host_macs.end(), p.sha) != host_macs.end()) return false;
  // Someone sends from the address (a reply to our probe, its own
  // announcement or any request of its own).
  if (p.spa == probed) return true;
  // Someone else probes for it at the same time.
  return p.op == kOpRequest && p.spa.is_zero() && p.tpa == probed;
}

ProbeSet::ProbeSet(const Mac& own, std::vector<Mac> host_macs, std::vector<IpAddr> addrs,
                   const Timing& timing, int64_t start_ms)
    : own_(own),
      host_macs_(std::move(host_macs)),
      addrs_(std::move(addrs)),
      conflict_(addrs_.size(), false),
      timing_(timing),
      start_ms_(start_ms) {
  if (std::find(host_macs_.begin(), host_macs_.end(), own_) == host_macs_.end())
    host_macs_.push_back(own_);
  index_.reserve(addrs_.size());
  for (size_t i = 0; i < addrs_.size(); ++i) index_.emplace(key(addrs_[i]), i);
}

int64_t ProbeSet::step_ms(int step) const {
  const int probes = timing_.probe_count;
  if (step <= probes)  // a probe, or the verdict one interval after the last
    return start_ms_ + timing_.probe_delay_ms + int64_t{step} * timing_.probe_interval_ms;
  return start_ms_ + timing_.verdict_ms() +
         int64_t{step - probes - 1} * timing_.announce_interval_ms;
}

std::optional<int64_t> ProbeSet::next_ms() const {
  if (finished()) return std::nullopt;
  return step_ms(step_);
}

std::vector<Frame> ProbeSet::due(int64_t now_ms) {
  std::vector<Frame> out;
  while (!finished() && step_ms(step_) <= now_ms) {
    const bool probe = step_ < timing_.probe_count;
    const bool announce = step_ > timing_.probe_count;
    if (probe || announce) {
      for (size_t i = 0; i < addrs_.size(); ++i) {
        if (conflict_[i]) continue;
        out.push_back(probe ? build_probe(own_, addrs_[i]) : build_announcement(own_, addrs_[i]));
      }
    }
    ++step_;
  }
  return out;
}

void ProbeSet::receive(std::span<const uint8_t> payload) {
  if (decided()) return;
  auto p = parse(payload);
  if (!p) return;
  // The packet can only concern the address it sends from or asks for.
  for (const IpAddr* a : {&p->spa, &p->tpa}) {
    auto it = index_.find(key(*a));
    if (it == index_.end() || conflict_[it->second]) continue;
    if (is_conflict(*p, addrs_[it->second], host_macs_)) conflict_[it->second] = true;
  }
}

}  // namespace ipadm::netlink::arp
