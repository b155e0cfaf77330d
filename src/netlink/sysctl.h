// sysctl access: reading and writing one file under a sysctl root
// (/proc/sys for the running kernel; a directory in tests).
//
// Stateless functions; safe from any thread. /proc/sys/net follows the
// network namespace of the calling thread at open time. Errors:
//   bad path (empty, absolute, a "." or ".." or empty component) -> InvalidArg
//   ENOENT                                         -> NotFound, detail = path
//   EACCES / EPERM                                 -> EPerm
//   EINVAL (value rejected by the kernel)          -> InvalidArg
//   other errno                                    -> errc_from_errno
#pragma once

#include <string>

#include "common/status.h"

namespace ipadm::netlink {

inline constexpr const char* kProcSys = "/proc/sys";

// InvalidArg unless path is a relative path of non-empty components, none of
// them "." or "..", without NUL.
Status check_sysctl_path(const std::string& path);

// The file's content without its trailing newline.
Result<std::string> sysctl_read(const std::string& root, const std::string& path);
// Writes value in a single write() from offset 0 (as /proc/sys requires).
Status sysctl_write(const std::string& root, const std::string& path, const std::string& value);

}  // namespace ipadm::netlink
