#include "daemon/admission.h"

namespace ipadm::daemon {

Admission::Verdict Admission::enter(uid_t uid, bool authorized) {
  std::lock_guard lock(mu_);
  if (total_ >= limits_.max_clients) return Verdict::Full;
  if (!authorized) {
    size_t unauth_cap = limits_.max_clients > limits_.reserved
                            ? limits_.max_clients - limits_.reserved : 0;
    if (unauthorized_ >= unauth_cap) return Verdict::UnauthorizedFull;
    size_t& mine = per_uid_[uid];
    if (mine >= limits_.per_uid) {
      if (mine == 0) per_uid_.erase(uid);
      return Verdict::UidFull;
    }
    ++mine;
    ++unauthorized_;
  }
  ++total_;
  return Verdict::Admit;
}

void Admission::leave(uid_t uid, bool authorized) {
  std::lock_guard lock(mu_);
  --total_;
  if (authorized) return;
  --unauthorized_;
  auto it = per_uid_.find(uid);
  if (it != per_uid_.end() && --it->second == 0) per_uid_.erase(it);
}

size_t Admission::total() const {
  std::lock_guard lock(mu_);
  return total_;
}

std::string Admission::refusal(Verdict v) const {
  switch (v) {
    case Verdict::Admit: break;
    case Verdict::Full:
      return "Too many connections (" + std::to_string(limits_.max_clients) +
             "), try again later";
    case Verdict::UnauthorizedFull:
      return "Too many connections from unauthorized users (" +
             std::to_string(limits_.max_clients - limits_.reserved) + "), try again later";
    case Verdict::UidFull:
      return "Too many connections from this user (" + std::to_string(limits_.per_uid) +
             "), try again later";
  }
  return {};
}

std::string_view verdict_name(Admission::Verdict v) {
  switch (v) {
    case Admission::Verdict::Admit: return "admitted";
    case Admission::Verdict::Full: return "all connections in use";
    case Admission::Verdict::UnauthorizedFull: return "unauthorized connections exhausted";
    case Admission::Verdict::UidFull: return "per-user connection limit";
  }
  return "?";
}

}  // namespace ipadm::daemon
