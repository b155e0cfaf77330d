// Dispatch: runs one decoded, authorized request against the Service and
// returns its replies, cut into chunks that each fit one datagram.
#pragma once

#include <vector>

#include "core/service.h"
#include "ipmgmt.pb.h"

namespace ipadm::daemon {

std::vector<rpc::Reply> dispatch(core::Service& svc, const rpc::Request& req);

// Splits a reply whose repeated payload is too large into several replies
// (more=true on all but the last). Exposed for tests.
std::vector<rpc::Reply> chunk_reply(rpc::Reply reply);

}  // namespace ipadm::daemon
