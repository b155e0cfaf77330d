#include "dns/file_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "dns/resolv_conf.h"

namespace ipadm::dns {

Status write_file_atomic(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return Status::from_errno(errno, tmp + ": " + std::strerror(errno));
  auto fail = [&](int e) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return Status::from_errno(e, tmp + ": " + std::strerror(e));
  };
  if (::fchmod(fd, 0644) != 0) return fail(errno);  // whatever the umask
  size_t off = 0;
  while (off < text.size()) {
    ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(errno);
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return fail(errno);
  if (::close(fd) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return Status::from_errno(e, tmp + ": " + std::strerror(e));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return Status::from_errno(e, path + ": " + std::strerror(e));
  }
  return Status::ok();
}

Status FileSink::apply(const std::string& ifname, int ifindex, const LinkDns& d) {
  if (d.empty()) links_.erase(ifname);
  else links_[ifname] = d;
  return write_file_atomic(path_, format_resolv_conf(links_));
}

}  // namespace ipadm::dns
