// Field size limits of requests, checked by dispatch() before the Service
// sees a request: an oversize name or value gets the error a bad value of
// that field gets (an interface name longer than IFNAMSIZ-1 is
// IPADM_INVALID_ARG "invalid interface name", as create-if says), with a
// short detail, never the field echoed back. Pure.
#pragma once

#include "common/status.h"
#include "ipmgmt.pb.h"

namespace ipadm::daemon {

// Longest accepted address text (a host name is at most 253 bytes).
constexpr size_t kMaxAddrText = 255;
// Longest accepted property value, protocol or property name, other text.
constexpr size_t kMaxValueText = 4096;

Status check_request_sizes(const rpc::Request& req);

}  // namespace ipadm::daemon
