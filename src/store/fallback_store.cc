#include "store/fallback_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ipadm::store {

namespace {

bool exists(const std::string& p) {
  struct stat st {};
  return stat(p.c_str(), &st) == 0;
}

std::string dir_of(const std::string& p) {
  auto slash = p.rfind('/');
  return slash == std::string::npos ? "." : (slash == 0 ? "/" : p.substr(0, slash));
}

bool writable_dir(const std::string& dir) {
  struct statvfs fs {};
  if (statvfs(dir.c_str(), &fs) != 0 || (fs.f_flag & ST_RDONLY)) return false;
  return access(dir.c_str(), W_OK) == 0;
}

Status sys_error(const std::string& what) {
  int e = errno;
  return Status::from_errno(e, what + ": " + std::strerror(e));
}

Status fsync_path(const std::string& p, int flags) {
  int fd = ::open(p.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return sys_error("open " + p);
  int rc = fsync(fd);
  int e = errno;
  close(fd);
  if (rc != 0) {
    errno = e;
    return sys_error("fsync " + p);
  }
  return Status::ok();
}

// Copies src to dst (truncating), fsync'ed. A missing src is OK if optional.
Status copy_file(const std::string& src, const std::string& dst, bool optional) {
  int in = ::open(src.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    if (optional && errno == ENOENT) return Status::ok();
    return sys_error("open " + src);
  }
  int out = ::open(dst.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (out < 0) {
    Status s = sys_error("open " + dst);
    close(in);
    return s;
  }
  char buf[64 * 1024];
  Status s;
  for (;;) {
    ssize_t n = read(in, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      s = sys_error("read " + src);
      break;
    }
    if (n == 0) break;
    for (ssize_t off = 0; off < n;) {
      ssize_t w = write(out, buf + off, n - off);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        s = sys_error("write " + dst);
        break;
      }
      off += w;
    }
    if (!s) break;
  }
  if (s && fsync(out) != 0) s = sys_error("fsync " + dst);
  close(in);
  close(out);
  return s;
}

void unlink_db(const std::string& p) {
  for (const char* suffix : {"-wal", "-shm", ""}) unlink((p + suffix).c_str());
}

}  // namespace

Result<std::unique_ptr<FallbackStore>> FallbackStore::open(const std::string& real_path,
                                                           const std::string& copy_path,
                                                           OpenInfo* info, std::string* note) {
  std::unique_ptr<FallbackStore> fs(new FallbackStore(real_path, copy_path));
  if (!exists(copy_path)) {
    auto real = SqliteStore::open(real_path, OpenMode::ReadWrite, info);
    // Not writable because the directory is not (read-only /etc at early
    // boot): SQLite either opened it read-only or could not open the WAL
    // at all. A store refused for its newer schema is not our case.
    bool newer = real && info->read_only && info->fallback.code() == Errc::NotSup;
    bool rofs = !writable_dir(dir_of(real_path)) && !newer && (!real || info->read_only);
    if (!rofs) {
      if (!real) return real.status();
      fs->cur_ = std::move(*real);
      return fs;
    }
    // Read-only /etc: work on a copy in the volatile directory.
    if (real) real->reset();
    IPADM_TRY(copy_file(real_path, copy_path, true));
    IPADM_TRY(copy_file(real_path + "-wal", copy_path + "-wal", true));
  }
  OpenInfo copy_info;
  auto copy = SqliteStore::open(copy_path, OpenMode::ReadWrite, &copy_info);
  if (!copy) return copy.status();
  if (copy_info.read_only) return copy_info.fallback;
  if (info) *info = copy_info;
  fs->cur_ = std::move(*copy);
  fs->on_copy_ = true;
  if (note)
    *note = real_path + " is on a read-only file system: working on " + copy_path +
            " until it can be copied back";
  fs->try_copy_back().ignore();
  return fs;
}

Status FallbackStore::try_copy_back() {
  if (!on_copy_) return Status::ok();
  const std::string dir = dir_of(real_);
  if (!writable_dir(dir)) return Status(Errc::EPerm, dir + ": still read-only", EROFS);
  // Fold the WAL into the main file (the copy stays open and in use until
  // the real file has taken over).
  IPADM_TRY(cur_->checkpoint());
  // Fold the real store's own WAL into its main file first, so that every
  // intermediate state below leaves a complete real store (a crash or a
  // failed rename must never leave it without its last commits).
  {
    auto real = SqliteStore::open(real_, OpenMode::ReadWrite);
    if (!real) return real.status();
    IPADM_TRY((*real)->checkpoint());
  }
  const std::string tmp = real_ + ".new";
  Status s = copy_file(copy_, tmp, false);
  if (s) {
    // Stale WAL/SHM of the old file must go before the rename.
    unlink((real_ + "-wal").c_str());
    unlink((real_ + "-shm").c_str());
    if (rename(tmp.c_str(), real_.c_str()) != 0) s = sys_error("rename " + tmp);
  }
  if (s) s = fsync_path(dir, O_RDONLY | O_DIRECTORY);
  std::unique_ptr<SqliteStore> next;
  if (s) {
    auto real = SqliteStore::open(real_, OpenMode::ReadWrite);
    if (real) next = std::move(*real);
    else s = real.status();
  }
  if (!s) {
    unlink(tmp.c_str());
    return s;
  }
  cur_ = std::move(next);
  on_copy_ = false;
  unlink_db(copy_);
  return Status::ok();
}

Status FallbackStore::apply(const Batch& batch) {
  if (on_copy_) try_copy_back().ignore();
  return cur_->apply(batch);
}

Status FallbackStore::maintain() { return try_copy_back(); }

}  // namespace ipadm::store
