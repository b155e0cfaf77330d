#include "daemon/privileges.h"

#include <cap-ng.h>
#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <vector>

namespace ipadm::daemon {

DaemonUser lookup_user(const std::string& name) {
  DaemonUser u;
  passwd pw{}, *res = nullptr;
  std::vector<char> buf(16384);
  uid_t num = 0;
  auto [p, ec] = std::from_chars(name.data(), name.data() + name.size(), num);
  bool numeric = !name.empty() && ec == std::errc() && p == name.data() + name.size();
  int rc = numeric ? getpwuid_r(num, &pw, buf.data(), buf.size(), &res)
                   : getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &res);
  if (rc == 0 && res) {
    u.exists = true;
    u.uid = res->pw_uid;
    u.gid = res->pw_gid;
  }
  return u;
}

std::vector<std::string> missing_capabilities(bool dropping) {
  struct Need {
    unsigned cap;
    bool for_drop;
  };
  static constexpr Need kNeeds[] = {
      {CAP_NET_ADMIN, false}, {CAP_NET_RAW, false},         {CAP_SETUID, true},
      {CAP_SETGID, true},     {CAP_SETPCAP, true},          {CAP_NET_BIND_SERVICE, true},
  };
  std::vector<std::string> missing;
  capng_clear(CAPNG_SELECT_BOTH);
  if (capng_get_caps_process() != 0) return missing;  // cannot tell: let the real calls fail
  for (const Need& n : kNeeds) {
    if (n.for_drop && !dropping) continue;
    if (!capng_have_capability(CAPNG_PERMITTED, n.cap)) {
      const char* name = capng_capability_to_name(n.cap);
      std::string up = name ? name : std::to_string(n.cap);
      for (char& ch : up) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      missing.push_back("CAP_" + up);
    }
  }
  return missing;
}

Status drop_privileges(const DaemonUser& u) {
  // The inheritable set first, while the bounding set is still full: once the
  // bounding set is empty the kernel lets no new capability into it.
  capng_get_caps_process();
  if (capng_updatev(CAPNG_ADD, CAPNG_INHERITABLE, CAP_NET_RAW, CAP_NET_BIND_SERVICE, -1) != 0 ||
      capng_apply(CAPNG_SELECT_CAPS) != 0)
    return Status(Errc::EPerm,
                  "cannot make CAP_NET_RAW and CAP_NET_BIND_SERVICE inheritable (bounding set?)");
  capng_clear(CAPNG_SELECT_BOTH);
  if (capng_updatev(CAPNG_ADD, static_cast<capng_type_t>(CAPNG_EFFECTIVE | CAPNG_PERMITTED),
                    CAP_NET_ADMIN, CAP_NET_RAW, -1) != 0 ||
      capng_updatev(CAPNG_ADD, CAPNG_PERMITTED, CAP_NET_BIND_SERVICE, -1) != 0 ||
      capng_updatev(CAPNG_ADD, CAPNG_INHERITABLE, CAP_NET_RAW, CAP_NET_BIND_SERVICE, -1) != 0)
    return Status(Errc::Failure, "capng_updatev failed");
  int rc;
  if (u.exists && u.uid != 0) {
    rc = capng_change_id(static_cast<int>(u.uid), static_cast<int>(u.gid),
                         static_cast<capng_flags_t>(CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING));
    if (rc != 0) return Status(Errc::EPerm, "capng_change_id failed (" + std::to_string(rc) + ")");
  } else {
    if (setgroups(0, nullptr) != 0)
      return Status::from_errno(errno, std::string("setgroups: ") + std::strerror(errno));
    rc = capng_apply(CAPNG_SELECT_BOTH);
    if (rc != 0) return Status(Errc::EPerm, "capng_apply failed (" + std::to_string(rc) + ")");
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    return Status::from_errno(errno, std::string("PR_SET_NO_NEW_PRIVS: ") + std::strerror(errno));
  return Status::ok();
}

}  // namespace ipadm::daemon
