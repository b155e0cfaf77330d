// NLMSG_ERROR / NLMSG_DONE decoding (see rtnl_codec.h).
#include <array>
#include <cerrno>
#include <climits>
#include <cstring>

#include "netlink/nl_attr.h"
#include "netlink/rtnl_codec.h"

namespace ipadm::netlink {

namespace {

// The positive errno of a kernel error value (-errno, or errno in a dump's
// NLMSG_DONE); EPROTO for INT_MIN, which no errno can be.
int errno_of(int e) {
  if (e == INT_MIN) return EPROTO;
  return e < 0 ? -e : e;
}

}  // namespace

std::optional<NlAck> decode_ack(NlMsg msg) {
  const nlmsghdr* nlh = msg_header(msg, 0);
  if (!nlh) return std::nullopt;
  NlAck ack;
  if (nlh->nlmsg_type == NLMSG_DONE) {
    // A dump ends with NLMSG_DONE carrying an int: 0, or -errno on failure.
    if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int))) {
      int e;
      std::memcpy(&e, NLMSG_DATA(nlh), sizeof(e));
      ack.err = errno_of(e);
    }
    return ack;
  }
  if (nlh->nlmsg_type != NLMSG_ERROR) return std::nullopt;
  if (!msg_header(msg, sizeof(nlmsgerr))) return std::nullopt;
  const auto* e = static_cast<const nlmsgerr*>(NLMSG_DATA(nlh));
  ack.err = errno_of(e->error);
  if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS)) return ack;

  // TLVs follow the echoed request: its header only if capped (or on
  // success), else the whole request.
  size_t echoed = sizeof(nlmsghdr);
  if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && e->error != 0 && e->msg.nlmsg_len > echoed)
    echoed = e->msg.nlmsg_len;
  size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(int) + echoed);
  if (off >= nlh->nlmsg_len) return ack;
  std::array<const nlattr*, NLMSGERR_ATTR_MAX + 1> tb;
  constexpr AttrRule kRules[] = {{NLMSGERR_ATTR_MSG, 1}};
  if (parse_attrs(reinterpret_cast<const uint8_t*>(nlh) + off, nlh->nlmsg_len - off, kRules, tb) &&
      tb[NLMSGERR_ATTR_MSG])
    ack.text = attr_string(tb[NLMSGERR_ATTR_MSG]);
  return ack;
}

}  // namespace ipadm::netlink

namespace ipadm::netlink {

std::string addr_text(const AddrRequest& req) {
  std::string s = req.local.to_string() + "/" + std::to_string(req.prefixlen);
  if (req.peer) s += " peer " + req.peer->to_string();
  return s;
}

Status ack_status(const NlAck& ack, AckOp op, std::string_view context) {
  if (ack.err == 0) return Status::ok();
  Errc code = errc_from_errno(ack.err);
  if (op == AckOp::kAddrDel && ack.err == EADDRNOTAVAIL) code = Errc::NotFound;
  std::string detail(context);
  if (!ack.text.empty()) {
    if (!detail.empty()) detail += ": ";
    detail += ack.text;
  }
  return Status(code, std::move(detail), ack.err);
}

}  // namespace ipadm::netlink
