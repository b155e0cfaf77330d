// Wire constants shared by libipadm and ipmgmtd (docs/protocol.md).
//
// frame    := one SOCK_SEQPACKET datagram holding one serialized message
// session  := Hello HelloReply (Request Reply+)*
// Replies to one request: Reply(more=true)* Reply(more=false).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ipadm {

// 2: ImportReq carries offset, total and allow_empty (issue 11).
// 3: WaitOnlineReq/WaitOnlineReply (ipadm wait-online, issue 13).
constexpr uint32_t kProtocolVersion = 3;
// Hard cap on one datagram in either direction, checked before parsing.
constexpr size_t kMaxMessage = 64 * 1024;
// Streamed replies are cut so each chunk stays well below kMaxMessage.
constexpr size_t kReplyChunk = 48 * 1024;

}  // namespace ipadm
