// NetlinkKernel: adding and deleting addresses, one at a time or pipelined.
//
// A batch chunk is batch_size_ RTM_NEWADDR messages in one sendmsg, each with
// NLM_F_ACK and its own sequence number (consecutive from `first`); the
// kernel processes them in order inside sendmsg and queues one NLMSG_ERROR
// per message, which add_chunk maps back by seq - first.
#include <linux/rtnetlink.h>

#include <algorithm>
#include <cerrno>
#include <array>

#include "netlink/netlink_kernel.h"

namespace ipadm::netlink {

Status NetlinkKernel::addr_add(const AddrRequest& req) {
  alignas(NLMSG_ALIGNTO) std::array<uint8_t, kMaxRequestLen> buf;
  auto len = build_addr(buf, RTM_NEWADDR, sock_.next_seq(), req);
  if (!len) return len.status();
  NlAck ack = sock_.request(std::span<const uint8_t>(buf.data(), *len), nullptr);
  if (ack.err == 0) return Status::ok();
  return ack_status(ack, AckOp::kGeneric, addr_text(req));
}

Status NetlinkKernel::addr_del(const AddrRequest& req) {
  alignas(NLMSG_ALIGNTO) std::array<uint8_t, kMaxRequestLen> buf;
  auto len = build_addr(buf, RTM_DELADDR, sock_.next_seq(), req);
  if (!len) return len.status();
  NlAck ack = sock_.request(std::span<const uint8_t>(buf.data(), *len), nullptr);
  if (ack.err == 0) return Status::ok();
  return ack_status(ack, AckOp::kAddrDel, addr_text(req));
}

// An RTM_NEWADDR as addr_add builds it, with NLM_F_REPLACE instead of
// NLM_F_EXCL.
Status NetlinkKernel::addr_replace(const AddrRequest& req) {
  alignas(NLMSG_ALIGNTO) std::array<uint8_t, kMaxRequestLen> buf;
  auto len = build_addr(buf, RTM_NEWADDR, sock_.next_seq(), req);
  if (!len) return len.status();
  auto* nlh = reinterpret_cast<nlmsghdr*>(buf.data());
  nlh->nlmsg_flags = (nlh->nlmsg_flags & ~NLM_F_EXCL) | NLM_F_REPLACE;
  NlAck ack = sock_.request(std::span<const uint8_t>(buf.data(), *len), nullptr);
  if (ack.err == 0) return Status::ok();
  return ack_status(ack, AckOp::kGeneric, addr_text(req));
}

Status NetlinkKernel::addr_add_batch(std::span<const AddrRequest> reqs,
                                     std::vector<Status>* results) {
  results->assign(reqs.size(), Status::ok());
  for (size_t i = 0; i < reqs.size(); i += batch_size_) {
    size_t n = std::min(batch_size_, reqs.size() - i);
    Status s = add_chunk(reqs.subspan(i, n), std::span<Status>(*results).subspan(i, n));
    if (!s) {
      for (size_t j = i + n; j < reqs.size(); ++j) (*results)[j] = s;
      return s;
    }
  }
  return Status::ok();
}

Status NetlinkKernel::add_chunk(std::span<const AddrRequest> reqs, std::span<Status> results) {
  const size_t n = reqs.size();
  const uint32_t first = sock_.next_seq();
  // pending[k]: request k was sent and its ACK has not arrived yet.
  std::vector<uint8_t> pending(n, 0);
  size_t waiting = 0, len = 0;
  for (size_t k = 0; k < n; ++k) {
    uint32_t seq = k == 0 ? first : sock_.next_seq();
    auto m = build_addr(std::span<uint8_t>(txbuf_).subspan(len), RTM_NEWADDR, seq, reqs[k]);
    if (!m) {
      results[k] = m.status();
      continue;
    }
    len += NLMSG_ALIGN(*m);
    pending[k] = 1;
    ++waiting;
  }
  if (waiting == 0) return Status::ok();
  if (int err = sock_.send(std::span<const uint8_t>(txbuf_.data(), len))) {
    Status s = Status::from_errno(err, "netlink send");
    for (size_t k = 0; k < n; ++k)
      if (pending[k]) results[k] = s;
    return s;
  }

  // All ACKs are queued by the time send() returns; after ENOBUFS (the
  // kernel dropped some) read without blocking and give up at EAGAIN.
  bool lost = false;
  while (waiting > 0) {
    std::span<const uint8_t> dgram;
    int err = sock_.recv(lost, &dgram);
    if (err == ENOBUFS && !lost) {
      lost = true;
      continue;
    }
    if (err == EAGAIN && lost) break;
    if (err) {
      Status s = Status::from_errno(err, "netlink receive");
      for (size_t k = 0; k < n; ++k)
        if (pending[k]) results[k] = s;
      return s;
    }
    for_each_msg(dgram, [&](NlMsg msg) {
      const auto* nlh = reinterpret_cast<const nlmsghdr*>(msg.data());
      if (nlh->nlmsg_type != NLMSG_ERROR || nlh->nlmsg_pid != sock_.portid()) return;
      uint32_t k = nlh->nlmsg_seq - first;  // wraps for foreign sequence numbers
      if (k >= n || !pending[k]) return;
      auto decoded = decode_ack(msg);
      NlAck ack = decoded ? *decoded : NlAck{EBADMSG, "malformed netlink ack"};
      pending[k] = 0;
      --waiting;
      if (ack.err) results[k] = ack_status(ack, AckOp::kGeneric, addr_text(reqs[k]));
    });
  }
  for (size_t k = 0; k < n; ++k)
    if (pending[k]) results[k] = Status(Errc::NoBufs, "netlink ACK lost: " + addr_text(reqs[k]));
  return Status::ok();
}

}  // namespace ipadm::netlink
