// NetlinkKernel: adding and deleting addresses, one at a time or pipelined.
//
// A batch chunk is batch_size_ RTM_NEWADDR messages in one sendmsg, with
// consecutive sequence numbers (from `first`). Only the chunk's last message
// carries NLM_F_ACK: the kernel processes the messages in order inside
// sendmsg and queues an NLMSG_ERROR for every failure whatever the flag, so
// the last ACK closes the chunk and every message not reported before it
// was applied. This spares the kernel one ACK skb per address and us one
// recvmsg per address (see BENCHMARKS.md, Boot restore).
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
  // pending[k]: request k was sent and the kernel has not reported on it.
  std::vector<uint8_t> pending(n, 0);
  size_t sent = 0, len = 0, last_off = 0, last_k = 0;
  for (size_t k = 0; k < n; ++k) {
    uint32_t seq = k == 0 ? first : sock_.next_seq();
    auto m = build_addr(std::span<uint8_t>(txbuf_).subspan(len), RTM_NEWADDR, seq, reqs[k]);
    if (!m) {
      results[k] = m.status();
      continue;
    }
    auto* nlh = reinterpret_cast<nlmsghdr*>(txbuf_.data() + len);
    nlh->nlmsg_flags &= ~NLM_F_ACK;
    last_off = len;
    last_k = k;
    len += NLMSG_ALIGN(*m);
    pending[k] = 1;
    ++sent;
  }
  if (sent == 0) return Status::ok();
  reinterpret_cast<nlmsghdr*>(txbuf_.data() + last_off)->nlmsg_flags |= NLM_F_ACK;
  if (int err = sock_.send(std::span<const uint8_t>(txbuf_.data(), len))) {
    Status s = Status::from_errno(err, "netlink send");
    for (size_t k = 0; k < n; ++k)
      if (pending[k]) results[k] = s;
    return s;
  }

  // Everything is queued by the time send() returns; after ENOBUFS (the
  // kernel dropped some) read without blocking and give up at EAGAIN.
  bool lost = false;
  while (pending[last_k]) {
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
      if (ack.err) results[k] = ack_status(ack, AckOp::kGeneric, addr_text(reqs[k]));
    });
  }
  if (!lost) return Status::ok();  // the rest was applied
  // A report may be among what was dropped: ask again, one by one, for each
  // request the kernel did not answer (one it applied answers EEXIST).
  for (size_t k = 0; k < n; ++k)
    if (pending[k]) results[k] = addr_add(reqs[k]);
  return Status::ok();
}

}  // namespace ipadm::netlink
