// The probe loop and the AF_PACKET ArpLink (arp_session.h).
#include "netlink/arp_session.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace ipadm::netlink::arp {
namespace {

constexpr int kStopCheckMs = 100;

class PacketLink : public ArpLink {
 public:
  PacketLink(int fd, int ifindex) : fd_(fd), ifindex_(ifindex) {}
  ~PacketLink() override { ::close(fd_); }

  Status send(std::span<const uint8_t> frame) override {
    sockaddr_ll to{};
    to.sll_family = AF_PACKET;
    to.sll_protocol = htons(ETH_P_ARP);
    to.sll_ifindex = ifindex_;
    to.sll_halen = 6;
    std::memset(to.sll_addr, 0xff, 6);
    ssize_t n = ::sendto(fd_, frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&to),
                         sizeof to);
    if (n < 0) return Status::from_errno(errno, "ARP send");
    return Status::ok();
  }

  Result<std::optional<std::vector<uint8_t>>> recv(int timeout_ms) override {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::milliseconds(std::max(timeout_ms, 0));
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      pollfd pfd{fd_, POLLIN, 0};
      int r = ::poll(&pfd, 1, static_cast<int>(std::max<int64_t>(left.count(), 0)));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return Status::from_errno(errno, "poll");
      if (r == 0) return std::optional<std::vector<uint8_t>>();
      std::vector<uint8_t> buf(256);
      sockaddr_ll from{};
      socklen_t len = sizeof from;
      ssize_t n = ::recvfrom(fd_, buf.data(), buf.size(), MSG_DONTWAIT,
                             reinterpret_cast<sockaddr*>(&from), &len);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (n < 0) return Status::from_errno(errno, "ARP receive");
      if (from.sll_pkttype == PACKET_OUTGOING) continue;  // our own
      if (from.sll_ifindex != ifindex_) continue;         // before bind()
      buf.resize(static_cast<size_t>(n));
      return std::optional<std::vector<uint8_t>>(std::move(buf));
    }
  }

 private:
  int fd_;
  int ifindex_;
};

class SteadyClock : public Clock {
 public:
  int64_t now_ms() override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace

Result<std::unique_ptr<ArpLink>> open_packet_link(int ifindex) {
  // Protocol 0: nothing is queued until bind() names ETH_P_ARP and the link.
  int fd = ::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::from_errno(errno, "ARP socket");
  // Many addresses probed at once draw many answers: room for them.
  int rcvbuf = 1 << 20;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  sockaddr_ll at{};
  at.sll_family = AF_PACKET;
  at.sll_protocol = htons(ETH_P_ARP);
  at.sll_ifindex = ifindex;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0) {
    Status s = Status::from_errno(errno, "ARP socket bind");
    ::close(fd);
    return s;
  }
  return std::unique_ptr<ArpLink>(std::make_unique<PacketLink>(fd, ifindex));
}

Clock& steady_clock() {
  static SteadyClock c;
  return c;
}

Status run_probe_session(ProbeSet& set, ArpLink& link, Clock& clock,
                         const std::function<bool()>& stop,
                         const std::function<void()>& on_decided) {
  bool reported = false;
  auto report = [&] {
    if (!reported) on_decided();
    reported = true;
  };
  Status failed;
  while (!set.finished() && !stop()) {
    // A failed send is not fatal (a link without carrier, a full queue):
    // the address is then simply not defended by that probe.
    for (const Frame& f : set.due(clock.now_ms())) link.send(f).ignore();
    if (set.decided()) report();
    auto next = set.next_ms();
    if (!next) break;
    int64_t wait = std::clamp<int64_t>(*next - clock.now_ms(), 0, kStopCheckMs);
    // Drain what arrived, then wait for the next step.
    auto got = link.recv(static_cast<int>(wait));
    if (!got) {
      failed = got.status();
      break;
    }
    while (*got) {
      set.receive(**got);
      got = link.recv(0);
      if (!got) {
        failed = got.status();
        break;
      }
    }
    if (!failed.is_ok()) break;
  }
  report();
  return failed;
}

}  // namespace ipadm::netlink::arp
