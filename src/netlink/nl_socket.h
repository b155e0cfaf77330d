// NlSocket: one NETLINK_ROUTE socket and the request/dump exchange over it.
//
// The sole AF_NETLINK syscall site. Owns its fd (O_CLOEXEC) and a receive
// buffer; move-only; not thread-safe (one owner at a time). Every message is
// stamped by the caller with next_seq(); replies are accepted only from the
// kernel (nl_pid 0) with our port id and the request's sequence number, so
// late replies to an abandoned exchange are skipped. Kernel failures come
// back as an NlAck (errno + extended-ack text); mapping them to Status is the
// caller's choice (see ack_status in rtnl_codec.h). Nothing here logs.
#pragma once

#include <linux/netlink.h>

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "common/status.h"
#include "netlink/rtnl_codec.h"

struct mnl_socket;

namespace ipadm::netlink {

using NlMsgFn = std::function<void(NlMsg)>;

class NlSocket {
 public:
  // Opens and binds a NETLINK_ROUTE socket with NETLINK_EXT_ACK,
  // NETLINK_CAP_ACK and NETLINK_GET_STRICT_CHK (each ignored if the kernel
  // lacks it). rcvbuf > 0 asks for that receive buffer size (SO_RCVBUFFORCE,
  // falling back to SO_RCVBUF, which rmem_max caps).
  static Result<NlSocket> open(int rcvbuf = 0);

  NlSocket(NlSocket&& o) noexcept;
  NlSocket& operator=(NlSocket&& o) noexcept;
  NlSocket(const NlSocket&) = delete;
  NlSocket& operator=(const NlSocket&) = delete;
  ~NlSocket();

  int fd() const;
  uint32_t portid() const { return portid_; }
  // Effective receive buffer in bytes (as the kernel accounts it).
  int rcvbuf() const { return rcvbuf_; }
  // Send buffer in bytes: one sendmsg may carry at most sndbuf() - 32.
  int sndbuf() const { return sndbuf_; }
  uint32_t next_seq() { return ++seq_; }

  // Subscribes to multicast group `group` (an RTNLGRP_* number).
  Status join_group(unsigned group);

  // Sends bytes (one or more messages) in one sendmsg. 0 or an errno.
  int send(std::span<const uint8_t> bytes);
  // Receives one datagram from the kernel; *out views the socket's buffer
  // until the next recv. 0 or an errno: EAGAIN (nonblock, nothing queued),
  // ENOBUFS (the kernel dropped messages for this socket), EMSGSIZE
  // (datagram larger than the buffer).
  int recv(bool nonblock, std::span<const uint8_t>* out);
  // True if msg answers the request with sequence number seq.
  bool is_reply(const nlmsghdr* nlh, uint32_t seq) const {
    return nlh->nlmsg_pid == portid_ && nlh->nlmsg_seq == seq;
  }

  // Sends one request carrying NLM_F_ACK and waits for its ACK or error;
  // other replies to it are passed to on_reply (may be empty).
  NlAck request(std::span<const uint8_t> msg, const NlMsgFn& on_reply);
  // Sends one NLM_F_DUMP request and passes each reply message other than
  // NLMSG_DONE/NLMSG_ERROR to on_msg, until the dump ends. *interrupted is
  // set if any message carried NLM_F_DUMP_INTR (the dump is inconsistent and
  // should be retried).
  NlAck dump(std::span<const uint8_t> msg, const NlMsgFn& on_msg, bool* interrupted);

 private:
  NlSocket(mnl_socket* nl, uint32_t portid, int rcvbuf, int sndbuf);
  NlAck exchange(std::span<const uint8_t> msg, bool dump, const NlMsgFn& on_msg,
                 bool* interrupted);

  mnl_socket* nl_ = nullptr;
  uint32_t portid_ = 0;
  uint32_t seq_ = 0;
  int rcvbuf_ = 0;
  int sndbuf_ = 0;
  std::vector<uint8_t> rxbuf_;
};

}  // namespace ipadm::netlink
