#include "netlink/nl_socket.h"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

namespace ipadm::netlink {
namespace {

// Larger than the biggest datagram the kernel builds for a dump (32 KiB).
constexpr size_t kRecvBufLen = 64 * 1024;

void set_flag(int fd, int opt) {
  int one = 1;
  // Best effort: older kernels lack some of these; behaviour stays correct.
  (void)setsockopt(fd, SOL_NETLINK, opt, &one, sizeof(one));
}

}  // namespace

Result<NlSocket> NlSocket::open(int rcvbuf) {
  mnl_socket* nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
  if (!nl) return Status::from_errno(errno, "netlink socket");
  int fd = mnl_socket_get_fd(nl);
  if (rcvbuf > 0 &&
      setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  set_flag(fd, NETLINK_EXT_ACK);
  set_flag(fd, NETLINK_CAP_ACK);
  set_flag(fd, NETLINK_GET_STRICT_CHK);
  if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
    int err = errno;
    mnl_socket_close(nl);
    return Status::from_errno(err, "netlink bind");
  }
  int rcv = 0, snd = 0;
  socklen_t len = sizeof(rcv);
  if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, &len) < 0) rcv = 0;
  len = sizeof(snd);
  if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, &len) < 0) snd = 0;
  return NlSocket(nl, mnl_socket_get_portid(nl), rcv, snd);
}

NlSocket::NlSocket(mnl_socket* nl, uint32_t portid, int rcvbuf, int sndbuf)
    : nl_(nl), portid_(portid), seq_(static_cast<uint32_t>(time(nullptr))),
      rcvbuf_(rcvbuf), sndbuf_(sndbuf), rxbuf_(kRecvBufLen) {}

NlSocket::NlSocket(NlSocket&& o) noexcept
    : nl_(o.nl_), portid_(o.portid_), seq_(o.seq_), rcvbuf_(o.rcvbuf_), sndbuf_(o.sndbuf_),
      rxbuf_(std::move(o.rxbuf_)) {
  o.nl_ = nullptr;
}

NlSocket& NlSocket::operator=(NlSocket&& o) noexcept {
  if (this != &o) {
    if (nl_) mnl_socket_close(nl_);
    nl_ = o.nl_;
    o.nl_ = nullptr;
    portid_ = o.portid_;
    seq_ = o.seq_;
    rcvbuf_ = o.rcvbuf_;
    sndbuf_ = o.sndbuf_;
    rxbuf_ = std::move(o.rxbuf_);
  }
  return *this;
}

NlSocket::~NlSocket() {
  if (nl_) mnl_socket_close(nl_);
}

int NlSocket::fd() const { return mnl_socket_get_fd(nl_); }

Status NlSocket::join_group(unsigned group) {
  int g = static_cast<int>(group);
  if (mnl_socket_setsockopt(nl_, NETLINK_ADD_MEMBERSHIP, &g, sizeof(g)) < 0)
    return Status::from_errno(errno, "netlink group " + std::to_string(group));
  return Status::ok();
}

int NlSocket::send(std::span<const uint8_t> bytes) {
  for (;;) {
    ssize_t n = mnl_socket_sendto(nl_, bytes.data(), bytes.size());
    if (n >= 0) return static_cast<size_t>(n) == bytes.size() ? 0 : EMSGSIZE;
    if (errno != EINTR) return errno;
  }
}

int NlSocket::recv(bool nonblock, std::span<const uint8_t>* out) {
  sockaddr_nl from{};
  iovec iov{rxbuf_.data(), rxbuf_.size()};
  msghdr mh{};
  mh.msg_name = &from;
  mh.msg_namelen = sizeof(from);
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  for (;;) {
    ssize_t n = recvmsg(fd(), &mh, nonblock ? MSG_DONTWAIT : 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (mh.msg_flags & MSG_TRUNC) return EMSGSIZE;
    if (from.nl_pid != 0) continue;  // not from the kernel
    *out = std::span<const uint8_t>(rxbuf_.data(), static_cast<size_t>(n));
    return 0;
  }
}

NlAck NlSocket::request(std::span<const uint8_t> msg, const NlMsgFn& on_reply) {
  bool interrupted = false;
  return exchange(msg, false, on_reply, &interrupted);
}

NlAck NlSocket::dump(std::span<const uint8_t> msg, const NlMsgFn& on_msg, bool* interrupted) {
  *interrupted = false;
  return exchange(msg, true, on_msg, interrupted);
}

NlAck NlSocket::exchange(std::span<const uint8_t> msg, bool dump, const NlMsgFn& on_msg,
                         bool* interrupted) {
  const uint32_t seq = reinterpret_cast<const nlmsghdr*>(msg.data())->nlmsg_seq;
  if (int err = send(msg)) return {err, {}};
  // The kernel queues a reply before send() returns (and refills a dump on
  // each recv), so after ENOBUFS -- messages were dropped, maybe ours --
  // reading on without blocking cannot hang: EAGAIN means ours was lost.
  bool lost = false;
  for (;;) {
    std::span<const uint8_t> dgram;
    int err = recv(lost, &dgram);
    if (err == ENOBUFS && !lost) {
      lost = true;
      continue;
    }
    if (err) return {lost ? ENOBUFS : err, {}};
    bool done = false;
    NlAck result;
    for_each_msg(dgram, [&](NlMsg m) {
      const auto* nlh = reinterpret_cast<const nlmsghdr*>(m.data());
      if (done || !is_reply(nlh, seq)) return;
      if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) *interrupted = true;
      bool end = nlh->nlmsg_type == NLMSG_ERROR || (dump && nlh->nlmsg_type == NLMSG_DONE);
      if (end) {
        auto ack = decode_ack(m);
        result = ack ? *ack : NlAck{EBADMSG, "malformed netlink ack"};
        done = true;
      } else if (nlh->nlmsg_type != NLMSG_NOOP && on_msg) {
        on_msg(m);
      }
    });
    if (done) return result;
  }
}

}  // namespace ipadm::netlink
