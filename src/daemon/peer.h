// Peer credentials of a connected client, taken from the kernel at accept
// (SO_PEERCRED, SO_PEERGROUPS) -- never from /proc/<pid>.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace ipadm::daemon {

struct Peer {
  pid_t pid = -1;
  uid_t uid = static_cast<uid_t>(-1);
  gid_t gid = static_cast<gid_t>(-1);
  std::vector<gid_t> groups;  // supplementary groups
};

Result<Peer> peer_of(int fd);

// WRITE authorization: uid 0, or auth_gid is the peer's primary or a
// supplementary group (auth_gid unset: root only).
bool may_write(const Peer& p, std::optional<gid_t> auth_gid);

// Resolves a group given by name or number; nullopt if it does not exist.
std::optional<gid_t> lookup_group(const std::string& name_or_gid);

}  // namespace ipadm::daemon
