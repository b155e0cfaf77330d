#include "netlink/sysctl.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>

namespace ipadm::netlink {
namespace {

constexpr size_t kMaxValueLen = 64 * 1024;

Status sysctl_error(int err, const std::string& path) {
  switch (err) {
    case ENOENT: case ENOTDIR: return Status(Errc::NotFound, path, err);
    case EACCES: case EPERM: return Status(Errc::EPerm, path, err);
    case EINVAL: return Status(Errc::InvalidArg, path, err);
    default: return Status::from_errno(err, path);
  }
}

}  // namespace

Status check_sysctl_path(const std::string& path) {
  bool ok = !path.empty() && path.front() != '/' && path.find('\0') == std::string::npos;
  for (size_t start = 0; ok && start <= path.size();) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string_view part(path.data() + start, end - start);
    ok = !part.empty() && part != "." && part != "..";
    start = end + 1;
  }
  if (!ok) return Status(Errc::InvalidArg, "bad sysctl path: " + path);
  return Status::ok();
}

Result<std::string> sysctl_read(const std::string& root, const std::string& path) {
  IPADM_TRY(check_sysctl_path(path));
  std::string full = root + "/" + path;
  int fd = ::open(full.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return sysctl_error(errno, path);
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return sysctl_error(err, path);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > kMaxValueLen) {
      ::close(fd);
      return Status(Errc::EOverflow, path);
    }
  }
  ::close(fd);
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

Status sysctl_write(const std::string& root, const std::string& path, const std::string& value) {
  IPADM_TRY(check_sysctl_path(path));
  std::string full = root + "/" + path;
  int fd = ::open(full.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return sysctl_error(errno, path);
  ssize_t n;
  do {
    n = ::write(fd, value.data(), value.size());
  } while (n < 0 && errno == EINTR);
  int err = n < 0 ? errno : 0;
  if (::close(fd) < 0 && err == 0 && errno != EINTR) err = errno;
  if (err) return sysctl_error(err, path);
  if (static_cast<size_t>(n) != value.size()) return Status(Errc::Failure, "short write: " + path);
  return Status::ok();
}

}  // namespace ipadm::netlink
