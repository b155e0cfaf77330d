// ReplySource: the datagrams of one reply, each built when the connection
// is ready to send it (docs/protocol.md, "Replies of several datagrams").
#pragma once

#include <cstddef>

#include "ipmgmt.pb.h"

namespace ipadm::daemon {

class ReplySource {
 public:
  virtual ~ReplySource() = default;
  // The next datagram, valid until the next call; nullptr after the last.
  // Every datagram but the last has more=true.
  virtual const rpc::Reply* next() = 0;
  // About the memory the reply holds until it is sent, what the reply
  // budget charges (server.cc, answer_unauthorized_).
  virtual size_t held_bytes() const = 0;
};

}  // namespace ipadm::daemon
