// The one table of request access levels: READ requests are open to every
// local user (as in illumos); WRITE requests need authorization (uid 0 or the
// authorized group, see peer.h). A request type missing here is refused.
#pragma once

#include <optional>

#include "ipmgmt.pb.h"

namespace ipadm::daemon {

enum class Access { Read, Write };

std::optional<Access> access_of(rpc::Request::BodyCase body);

}  // namespace ipadm::daemon
