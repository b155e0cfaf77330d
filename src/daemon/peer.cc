#include "daemon/peer.h"

#include <grp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <charconv>

namespace ipadm::daemon {

Result<Peer> peer_of(int fd) {
  ucred cred{};
  socklen_t len = sizeof(cred);
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
    return Status::from_errno(errno, "SO_PEERCRED");
  Peer p;
  p.pid = cred.pid;
  p.uid = cred.uid;
  p.gid = cred.gid;
  std::vector<gid_t> groups(64);
  for (int tries = 0; tries < 4; ++tries) {
    socklen_t glen = groups.size() * sizeof(gid_t);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &glen) == 0) {
      groups.resize(glen / sizeof(gid_t));
      p.groups = std::move(groups);
      return p;
    }
    if (errno != ERANGE) return Status::from_errno(errno, "SO_PEERGROUPS");
    groups.resize(glen / sizeof(gid_t) + 16);
  }
  return Status(Errc::Failure, "SO_PEERGROUPS");
}

bool may_write(const Peer& p, std::optional<gid_t> auth_gid) {
  if (p.uid == 0) return true;
  if (!auth_gid) return false;
  return p.gid == *auth_gid ||
         std::find(p.groups.begin(), p.groups.end(), *auth_gid) != p.groups.end();
}

std::optional<gid_t> lookup_group(const std::string& s) {
  gid_t gid = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), gid);
  if (!s.empty() && ec == std::errc() && ptr == s.data() + s.size()) return gid;
  group grp{}, *res = nullptr;
  std::vector<char> buf(16384);
  if (getgrnam_r(s.c_str(), &grp, buf.data(), buf.size(), &res) == 0 && res) return res->gr_gid;
  return std::nullopt;
}

}  // namespace ipadm::daemon
