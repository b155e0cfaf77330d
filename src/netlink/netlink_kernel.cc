// NetlinkKernel: construction, dumps, link changes and sysctls. Address
// changes are in netlink_kernel_addr.cc, the DAD wait in netlink_kernel_dad.cc.
#include "netlink/netlink_kernel.h"

#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <thread>

namespace ipadm::netlink {
namespace {

// Receive buffer of the request socket: room for the ACKs of a whole batch
// (each ACK skb costs up to ~1 KiB of rcvbuf, an extended-ack error more).
constexpr int kRequestRcvbuf = 4 * 1024 * 1024;
constexpr size_t kRcvbufPerAck = 2048;

std::string ifindex_text(int ifindex) { return "ifindex " + std::to_string(ifindex); }

}  // namespace

Result<std::unique_ptr<NetlinkKernel>> NetlinkKernel::open() { return open(Options{}); }

Result<std::unique_ptr<NetlinkKernel>> NetlinkKernel::open(Options opts) {
  auto sock = NlSocket::open(kRequestRcvbuf);
  if (!sock) return sock.status();
  if (opts.sysctl_root.empty()) opts.sysctl_root = kProcSys;
  return std::unique_ptr<NetlinkKernel>(
      new NetlinkKernel(std::move(sock).value(), std::move(opts)));
}

NetlinkKernel::NetlinkKernel(NlSocket sock, Options opts)
    : sock_(std::move(sock)), opts_(std::move(opts)) {
  // A chunk must fit in one sendmsg and its ACKs in the receive buffer.
  size_t by_rcvbuf = static_cast<size_t>(std::max(sock_.rcvbuf(), 0)) / kRcvbufPerAck;
  size_t by_sndbuf = static_cast<size_t>(std::max(sock_.sndbuf() - 32, 0)) / kMaxRequestLen;
  batch_size_ = std::max<size_t>(std::min({opts_.batch_size, by_rcvbuf, by_sndbuf}), 1);
  txbuf_.resize(batch_size_ * kMaxRequestLen);
}

Status NetlinkKernel::dump(const Builder& build, const std::function<void()>& reset,
                           const NlMsgFn& on_msg, std::string_view context) {
  alignas(NLMSG_ALIGNTO) std::array<uint8_t, kMaxRequestLen> buf;
  for (int attempt = 1;; ++attempt) {
    reset();
    size_t len = build(buf, sock_.next_seq());
    bool interrupted = false;
    NlAck ack = sock_.dump(std::span<const uint8_t>(buf.data(), len), on_msg, &interrupted);
    if (ack.err) return ack_status(ack, AckOp::kGeneric, context);
    if (!interrupted) return Status::ok();
    if (attempt >= opts_.dump_retries)
      return Status(Errc::Failure,
                    std::string(context) + ": dump interrupted " + std::to_string(attempt) +
                        " times by concurrent changes",
                    EINTR);
    // Changes often come in bursts (e.g. the kernel's own work after a mass
    // add), so back off: 1, 2, 4 ... 32 ms.
    std::this_thread::sleep_for(std::chrono::milliseconds(1 << std::min(attempt - 1, 5)));
  }
}

Result<std::vector<Link>> NetlinkKernel::links() {
  std::vector<Link> out;
  Status bad;
  IPADM_TRY(dump([](std::span<uint8_t> b, uint32_t seq) { return build_link_dump(b, seq); },
                 [&] { out.clear(); bad = Status::ok(); },
                 [&](NlMsg m) {
                   if (reinterpret_cast<const nlmsghdr*>(m.data())->nlmsg_type != RTM_NEWLINK)
                     return;
                   auto l = decode_link(m);
                   if (!l) bad = l.status();
                   else out.push_back(std::move(l).value());
                 },
                 "links"));
  IPADM_TRY(bad);
  return out;
}

Result<Link> NetlinkKernel::link_by_name(const std::string& ifname) {
  alignas(NLMSG_ALIGNTO) std::array<uint8_t, kMaxRequestLen> buf;
  size_t len = build_link_get(buf, sock_.next_seq(), ifname);
  if (len == 0) return Result<Link>(Errc::Enxio, ifname);
  std::optional<Result<Link>> got;
  NlAck ack = sock_.request(std::span<const uint8_t>(buf.data(), len), [&](NlMsg m) {
    if (reinterpret_cast<const nlmsghdr*>(m.data())->nlmsg_type == RTM_NEWLINK)
      got.emplace(decode_link(m));
  });
  if (ack.err) return ack_status(ack, AckOp::kGeneric, ifname);
  if (!got) return Result<Link>(Errc::EBade, "no reply for link " + ifname);
  return std::move(*got);
}

Status NetlinkKernel::dump_addrs(int family, int ifindex, std::vector<Addr>* out) {
  Status bad;
  IPADM_TRY(dump(
      [&](std::span<uint8_t> b, uint32_t seq) { return build_addr_dump(b, seq, family, ifindex); },
      [&] { out->clear(); bad = Status::ok(); },
      [&](NlMsg m) {
        const auto* nlh = reinterpret_cast<const nlmsghdr*>(m.data());
        if (nlh->nlmsg_type != RTM_NEWADDR || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(ifaddrmsg)))
          return;
        // Filter on the fixed header before decoding: the kernel may ignore
        // the request's filters (no strict checking) or send other families.
        const auto* ifa = static_cast<const ifaddrmsg*>(NLMSG_DATA(nlh));
        if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) return;
        if (family != AF_UNSPEC && ifa->ifa_family != family) return;
        if (ifindex != 0 && static_cast<int>(ifa->ifa_index) != ifindex) return;
        auto a = decode_addr(m);
        if (!a) bad = a.status();
        else out->push_back(std::move(a).value());
      },
      ifindex ? ifindex_text(ifindex) : "addresses"));
  return bad;
}

Result<std::vector<Addr>> NetlinkKernel::addrs(int family, int ifindex) {
  if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6)
    return Result<std::vector<Addr>>(Errc::BadProtocol, "family " + std::to_string(family));
  std::vector<Addr> out;
  IPADM_TRY(dump_addrs(family, ifindex, &out));
  return out;
}

Status NetlinkKernel::set_link(const LinkChange& c) {
  if (c.ifindex <= 0) return Status(Errc::Enxio, ifindex_text(c.ifindex));
  alignas(NLMSG_ALIGNTO) std::array<uint8_t, kMaxRequestLen> buf;
  size_t len = build_link_set(buf, sock_.next_seq(), c);
  NlAck ack = sock_.request(std::span<const uint8_t>(buf.data(), len), nullptr);
  return ack_status(ack, AckOp::kGeneric, ifindex_text(c.ifindex));
}

Status NetlinkKernel::link_set_up(int ifindex, bool up) {
  LinkChange c;
  c.ifindex = ifindex;
  c.change = IFF_UP;
  c.flags = up ? c.change : 0;
  return set_link(c);
}

Status NetlinkKernel::link_set_arp(int ifindex, bool arp) {
  LinkChange c;
  c.ifindex = ifindex;
  c.change = IFF_NOARP;
  c.flags = arp ? 0 : c.change;
  return set_link(c);
}

Status NetlinkKernel::link_set_mtu(int ifindex, uint32_t mtu) {
  LinkChange c;
  c.ifindex = ifindex;
  c.mtu = mtu;
  return set_link(c);
}

Status NetlinkKernel::link_set_addr_gen_mode(int ifindex, uint8_t mode) {
  LinkChange c;
  c.ifindex = ifindex;
  c.addr_gen_mode = mode;
  return set_link(c);
}

Status NetlinkKernel::link_set_token(int ifindex, const IpAddr& token) {
  LinkChange c;
  c.ifindex = ifindex;
  c.token = token;
  return set_link(c);
}

Result<std::string> NetlinkKernel::sysctl_get(const std::string& path) {
  return sysctl_read(opts_.sysctl_root, path);
}

Status NetlinkKernel::sysctl_set(const std::string& path, const std::string& value) {
  return sysctl_write(opts_.sysctl_root, path, value);
}

}  // namespace ipadm::netlink
