// Admission: who may hold one of the daemon's connections.
//
// The connection limits of ipmgmtd (ipmgmtd(8), LIMITS; docs/reliability.md):
//   max_clients   connections in all (each is a thread);
//   reserved      of those, kept for authorized peers (uid 0 or the -G group),
//                 so unprivileged users together hold at most
//                 max_clients - reserved;
//   per_uid       connections one unauthorized uid may hold.
// Authorized peers are limited by max_clients only, so as long as they hold
// fewer than `reserved` connections themselves they always get in, whatever
// unprivileged users do. Pure bookkeeping, no I/O; thread-safe.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <map>
#include <mutex>
#include <string>

namespace ipadm::daemon {

// max_clients stays well below the usual RLIMIT_NOFILE of 1024 (one fd per
// connection). The reserve is large because a client's slot is only freed
// when its thread sees the close: 256 root clients connecting back to back
// briefly hold more than 256 slots.
struct ConnLimits {
  size_t max_clients = 512;
  size_t reserved = 256;
  size_t per_uid = 16;
};

class Admission {
 public:
  enum class Verdict { Admit, Full, UnauthorizedFull, UidFull };

  explicit Admission(ConnLimits limits) : limits_(limits) {}

  // Counts the connection in when the verdict is Admit; every admitted
  // connection must be handed back with leave() with the same arguments.
  Verdict enter(uid_t uid, bool authorized);
  void leave(uid_t uid, bool authorized);

  size_t total() const;
  const ConnLimits& limits() const { return limits_; }

  // What a refused client is told (the detail of its Hello reply).
  std::string refusal(Verdict v) const;

 private:
  ConnLimits limits_;
  mutable std::mutex mu_;
  size_t total_ = 0;
  size_t unauthorized_ = 0;
  std::map<uid_t, size_t> per_uid_;  // unauthorized peers only
};

std::string_view verdict_name(Admission::Verdict v);

}  // namespace ipadm::daemon
