#include "dhcp/inform.h"

#include <arpa/inet.h>
#include <linux/capability.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>

namespace ipadm::dhcp {

namespace {

// BOOTP fixed header (RFC 2131 2): op htype hlen hops xid(4) secs(2)
// flags(2) ciaddr yiaddr siaddr giaddr (4 each) chaddr(16) sname(64)
// file(128), then the magic cookie and the options.
constexpr size_t kOffXid = 4, kOffCiaddr = 12, kOffSiaddr = 20, kOffChaddr = 28;
constexpr size_t kFixedLen = 236;
constexpr uint8_t kCookie[4] = {99, 130, 83, 99};
constexpr uint8_t kOptPad = 0, kOptEnd = 255, kOptNetmask = 1, kOptRouter = 3, kOptDns = 6,
                  kOptDomain = 15, kOptMsgType = 53, kOptServerId = 54, kOptParams = 55;
constexpr uint8_t kDhcpInform = 8, kDhcpAck = 5;
constexpr uint8_t kBootRequest = 1, kBootReply = 2;
constexpr int kResendMs = 2000;

void put32(std::string& b, size_t off, uint32_t host) {
  uint32_t v = htonl(host);
  std::memcpy(&b[off], &v, 4);
}

uint32_t get32(std::string_view b, size_t off) {
  uint32_t v;
  std::memcpy(&v, b.data() + off, 4);
  return ntohl(v);
}

IpAddr v4_at(const uint8_t* p) {
  IpAddr a;
  a.family = AF_INET;
  std::memcpy(a.bytes.data(), p, 4);
  return a;
}

// An option made of IPv4 addresses: BadArg unless its length is a multiple
// of 4.
Status addr_list(const uint8_t* p, size_t len, std::vector<IpAddr>* out) {
  if (len == 0 || len % 4 != 0) return Status(Errc::InvalidArg, "malformed DHCP option");
  for (size_t i = 0; i < len; i += 4) out->push_back(v4_at(p + i));
  return Status::ok();
}

// Raises (on) or drops CAP_NET_BIND_SERVICE in the calling thread's
// effective set; capset(2) acts on the calling thread only. false if it is
// not permitted (the bind then fails with its own error).
bool bind_service_cap(bool on) {
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (syscall(SYS_capget, &hdr, data) != 0) return false;
  const uint32_t bit = 1u << CAP_NET_BIND_SERVICE;  // < 32: in data[0]
  if (on && !(data[0].permitted & bit)) return false;
  if (on) data[0].effective |= bit;
  else data[0].effective &= ~bit;
  return syscall(SYS_capset, &hdr, data) == 0;
}

}  // namespace

std::string build_inform(const InformRequest& req) {
  std::string b(kFixedLen, '\0');
  b[0] = static_cast<char>(kBootRequest);
  b[1] = 1;  // htype Ethernet
  b[2] = static_cast<char>(std::min<size_t>(req.chaddr.size(), 16));
  put32(b, kOffXid, req.xid);
  std::memcpy(&b[kOffCiaddr], req.ciaddr.bytes.data(), 4);
  std::memcpy(&b[kOffChaddr], req.chaddr.data(), std::min<size_t>(req.chaddr.size(), 16));
  b.append(reinterpret_cast<const char*>(kCookie), 4);
  const uint8_t opts[] = {kOptMsgType, 1,          kDhcpInform, kOptParams, 4,
                          kOptNetmask, kOptRouter, kOptDns,     kOptDomain, kOptEnd};
  b.append(reinterpret_cast<const char*>(opts), sizeof opts);
  return b;
}

Result<std::optional<InformReply>> parse_inform_reply(std::string_view packet, uint32_t xid) {
  if (packet.size() < kFixedLen + 4) return Status(Errc::InvalidArg, "short DHCP packet");
  const auto* p = reinterpret_cast<const uint8_t*>(packet.data());
  if (p[0] != kBootReply || get32(packet, kOffXid) != xid) return std::optional<InformReply>();
  if (std::memcmp(p + kFixedLen, kCookie, 4) != 0)
    return Status(Errc::InvalidArg, "no DHCP magic cookie");
  InformReply r;
  r.server = v4_at(p + kOffSiaddr);
  int type = 0;
  for (size_t i = kFixedLen + 4; i < packet.size();) {
    uint8_t code = p[i++];
    if (code == kOptPad) continue;
    if (code == kOptEnd) break;
    if (i >= packet.size()) return Status(Errc::InvalidArg, "truncated DHCP option");
    size_t len = p[i++];
    if (i + len > packet.size()) return Status(Errc::InvalidArg, "truncated DHCP option");
    const uint8_t* v = p + i;
    i += len;
    switch (code) {
      case kOptMsgType:
        if (len != 1) return Status(Errc::InvalidArg, "malformed DHCP message type");
        type = v[0];
        break;
      case kOptServerId:
        if (len != 4) return Status(Errc::InvalidArg, "malformed DHCP server identifier");
        r.server = v4_at(v);
        break;
      case kOptNetmask:
        if (len != 4) return Status(Errc::InvalidArg, "malformed DHCP subnet mask");
        r.netmask = v4_at(v);
        break;
      case kOptRouter:
        IPADM_TRY(addr_list(v, len, &r.routers));
        break;
      case kOptDns:
        IPADM_TRY(addr_list(v, len, &r.dns));
        break;
      case kOptDomain:
        r.domain.assign(reinterpret_cast<const char*>(v), len);
        break;
      default:
        break;
    }
  }
  if (type != kDhcpAck) return std::optional<InformReply>();
  // From the network, bound for logs: printable ASCII only, else dropped.
  if (std::any_of(r.domain.begin(), r.domain.end(), [](char c) { return c < 0x20 || c > 0x7e; }))
    r.domain.clear();
  return std::optional<InformReply>(std::move(r));
}

Result<InformReply> inform(const std::string& ifname, const std::string& hwaddr,
                           const IpAddr& local, int timeout_ms) {
  if (local.family != AF_INET) return Status(Errc::NotSup, "DHCP INFORM is IPv4 only");
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::from_errno(errno, "socket");
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof on) != 0 ||
      setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname.c_str(), ifname.size()) != 0)
    return Status::from_errno(errno, "setsockopt " + ifname);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(kClientPort);
  std::memcpy(&sa.sin_addr, local.bytes.data(), 4);
  const bool raised = bind_service_cap(true);
  int rc = bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  int bind_errno = errno;
  if (raised) bind_service_cap(false);
  if (rc != 0) return Status::from_errno(bind_errno, "bind " + local.to_string() + ":68");

  std::random_device rd;
  InformRequest req{static_cast<uint32_t>(rd()), hwaddr, local};
  const std::string packet = build_inform(req);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(kServerPort);
  to.sin_addr.s_addr = htonl(INADDR_BROADCAST);

  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  auto next_send = Clock::now();
  char buf[1500];
  for (;;) {
    auto now = Clock::now();
    if (now >= deadline) return Status(Errc::DhcpIpcTimeout);
    if (now >= next_send) {
      if (sendto(fd, packet.data(), packet.size(), 0, reinterpret_cast<sockaddr*>(&to),
                 sizeof to) < 0)
        return Status::from_errno(errno, "send DHCPINFORM on " + ifname);
      next_send = now + std::chrono::milliseconds(kResendMs);
    }
    auto until = std::min(deadline, next_send);
    int wait = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count()) + 1;
    pollfd pfd{fd, POLLIN, 0};
    int n = poll(&pfd, 1, wait);
    if (n < 0 && errno != EINTR) return Status::from_errno(errno, "poll");
    if (n <= 0) continue;
    ssize_t got = recv(fd, buf, sizeof buf, 0);
    if (got < 0) continue;
    auto reply = parse_inform_reply(std::string_view(buf, got), req.xid);
    if (reply && reply->has_value()) return std::move(**reply);
  }
}

}  // namespace ipadm::dhcp
