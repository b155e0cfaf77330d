// MsgBuilder: hand-assembles netlink messages byte by byte for codec tests,
// independently of libmnl and of the builders under test.
#pragma once

#include <linux/netlink.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

namespace ipadm::netlink::testing {

class MsgBuilder {
 public:
  // Starts a message: nlmsghdr(type, flags, seq, pid) then `fixed`.
  template <typename Fixed>
  MsgBuilder(uint16_t type, uint16_t flags, const Fixed& fixed, uint32_t seq = 1,
             uint32_t pid = 0) {
    nlmsghdr h{};
    h.nlmsg_type = type;
    h.nlmsg_flags = flags;
    h.nlmsg_seq = seq;
    h.nlmsg_pid = pid;
    append(&h, sizeof(h));
    append(&fixed, sizeof(fixed));
  }
  MsgBuilder& attr(uint16_t type, const void* data, size_t len) {
    nlattr a{static_cast<uint16_t>(NLA_HDRLEN + len), type};
    append(&a, sizeof(a));
    append(data, len);
    return *this;
  }
  MsgBuilder& attr_u32(uint16_t type, uint32_t v) { return attr(type, &v, 4); }
  MsgBuilder& attr_u8(uint16_t type, uint8_t v) { return attr(type, &v, 1); }
  MsgBuilder& attr_str(uint16_t type, const std::string& s) {
    return attr(type, s.c_str(), s.size() + 1);
  }
  // Opens a nested attribute; close it with end_nest(handle).
  size_t begin_nest(uint16_t type) {
    size_t at = len_;
    nlattr a{NLA_HDRLEN, static_cast<uint16_t>(type | NLA_F_NESTED)};
    append(&a, sizeof(a));
    return at;
  }
  void end_nest(size_t at) {
    auto len = static_cast<uint16_t>(len_ - at);
    std::memcpy(buf_.data() + at, &len, 2);
  }
  // Raw bytes (e.g. to corrupt a message).
  MsgBuilder& raw(const void* data, size_t len) {
    append(data, len);
    return *this;
  }
  // The finished message (nlmsg_len patched).
  std::span<const uint8_t> bytes() {
    auto len = static_cast<uint32_t>(len_);
    std::memcpy(buf_.data(), &len, 4);
    return {buf_.data(), len_};
  }
  uint8_t* data() { return buf_.data(); }

 private:
  void append(const void* p, size_t n) {
    std::memcpy(buf_.data() + len_, p, n);
    len_ += n;
    while (len_ % 4) buf_[len_++] = 0;
  }
  alignas(8) std::array<uint8_t, 4096> buf_{};
  size_t len_ = 0;
};

}  // namespace ipadm::netlink::testing
