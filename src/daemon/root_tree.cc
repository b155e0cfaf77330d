#include "daemon/root_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace ipadm::daemon {

namespace {

Status sys(int err, const std::string& what) {
  return Status::from_errno(err, what + ": " + std::strerror(err));
}

std::string octal(mode_t m) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04o", static_cast<unsigned>(m & 07777));
  return buf;
}

std::string join(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

// Why openat(O_NOFOLLOW) of name failed: a link is named as such.
Status open_error(int dirfd, const std::string& name, const std::string& path, int err) {
  struct stat st {};
  if ((err == ELOOP || err == ENOTDIR) &&
      fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
    return Status(Errc::EPerm, path + ": is a symbolic link; refused", ELOOP);
  return sys(err, path);
}

// Opens (creating it 0755 if missing) the directory name in parent, without
// following a link, and checks it for role.
Result<DirFd> step(const DirFd& parent, const std::string& name, DirRole role,
                   const TreeOwners& owners) {
  const std::string path = join(parent.path(), name);
  constexpr int kFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  bool created = false;
  int fd = openat(parent.fd(), name.c_str(), kFlags);
  if (fd < 0 && errno == ENOENT) {
    if (mkdirat(parent.fd(), name.c_str(), 0755) != 0 && errno != EEXIST)
      return sys(errno, "mkdir " + path);
    created = true;
    fd = openat(parent.fd(), name.c_str(), kFlags);
  }
  if (fd < 0) return open_error(parent.fd(), name, path, errno);
  DirFd dir(fd, path);
  struct stat st {};
  if (fstat(fd, &st) != 0) return sys(errno, "stat " + path);
  IPADM_TRY(check_tree_dir(path, st, role, owners));
  // A directory made here gets 0755 whatever the umask (clients traverse
  // it to reach the socket); a daemon directory is set to 0755 as before.
  if ((created || role == DirRole::kDaemon) && (st.st_mode & 07777) != 0755 &&
      fchmod(fd, 0755) != 0 && errno != EROFS)
    return sys(errno, "chmod " + path);
  return dir;
}

// realpath(3) of the longest existing part of path, and the components that
// do not exist yet.
Result<std::string> resolve(std::string path, std::vector<std::string>* missing) {
  char buf[PATH_MAX];
  while (!realpath(path.c_str(), buf)) {
    if (errno != ENOENT) return sys(errno, path);
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) {
      missing->insert(missing->begin(), path);
      path = ".";
    } else {
      missing->insert(missing->begin(), path.substr(slash + 1));
      path = slash == 0 ? "/" : path.substr(0, slash);
    }
  }
  return std::string(buf);
}

std::vector<std::string> components(const std::string& abs) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < abs.size()) {
    size_t next = abs.find('/', pos);
    if (next == std::string::npos) next = abs.size();
    if (next > pos) out.push_back(abs.substr(pos, next - pos));
    pos = next + 1;
  }
  return out;
}

}  // namespace

DirFd& DirFd::operator=(DirFd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) close(fd_);
    fd_ = o.fd_;
    path_ = std::move(o.path_);
    o.fd_ = -1;
  }
  return *this;
}

DirFd::~DirFd() {
  if (fd_ >= 0) close(fd_);
}

Status check_tree_dir(const std::string& path, const struct stat& st, DirRole role,
                      const TreeOwners& owners) {
  bool owner_ok = st.st_uid == 0 || st.st_uid == owners.self ||
                  (role == DirRole::kDaemon && owners.daemon_user &&
                   st.st_uid == owners.daemon_uid);
  if (!owner_ok)
    return Status(Errc::EPerm, path + ": owned by uid " + std::to_string(st.st_uid) +
                                   "; every directory of ipmgmtd's root tree must belong to "
                                   "root; refused");
  bool writable = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
  bool sticky_ok = role == DirRole::kAncestor && (st.st_mode & S_ISVTX);
  if (writable && !sticky_ok)
    return Status(Errc::EPerm, path + ": writable by group or others (mode " +
                                   octal(st.st_mode) +
                                   "); ipmgmtd refuses a root tree other users can write");
  if (role != DirRole::kDaemon && owners.daemon_user && owners.daemon_uid != 0) {
    mode_t x = st.st_uid == owners.daemon_uid   ? S_IXUSR
               : st.st_gid == owners.daemon_gid ? S_IXGRP
                                                : S_IXOTH;
    if (!(st.st_mode & x))
      return Status(Errc::EPerm,
                    path + ": not searchable by user " + owners.daemon_name + " (uid " +
                        std::to_string(owners.daemon_uid) + "), which ipmgmtd runs as (mode " +
                        octal(st.st_mode) + ", owner uid " + std::to_string(st.st_uid) +
                        "); make it searchable (chmod o+x) or choose another root");
  }
  return Status::ok();
}

Result<RootTree> open_root_tree(const std::string& root_prefix, const TreeOwners& owners) {
  std::vector<std::string> missing;
  auto resolved = resolve(root_prefix.empty() ? "/" : root_prefix, &missing);
  IPADM_TRY(resolved);
  std::vector<std::string> comps = components(*resolved);
  comps.insert(comps.end(), missing.begin(), missing.end());

  int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return sys(errno, "/");
  DirFd cur(fd, "/");
  struct stat st {};
  if (fstat(cur.fd(), &st) != 0) return sys(errno, "stat /");
  IPADM_TRY(check_tree_dir("/", st, comps.empty() ? DirRole::kTree : DirRole::kAncestor,
                           owners));
  for (size_t i = 0; i < comps.size(); ++i) {
    auto next = step(cur, comps[i], i + 1 == comps.size() ? DirRole::kTree : DirRole::kAncestor,
                     owners);
    IPADM_TRY(next);
    cur = std::move(*next);
  }
  RootTree tree;
  tree.root = cur.path() == "/" ? "" : cur.path();
  for (auto [top, out] : {std::pair{"etc", &tree.store_dir}, std::pair{"run", &tree.volatile_dir}}) {
    auto mid = step(cur, top, DirRole::kTree, owners);
    IPADM_TRY(mid);
    auto dir = step(*mid, "ipadm", DirRole::kDaemon, owners);
    IPADM_TRY(dir);
    *out = std::move(*dir);
  }
  return tree;
}

Status secure_store_files(const DirFd& dir, const std::string& base, bool create,
                          const DaemonUser& u) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    const std::string name = base + suffix;
    const std::string path = join(dir.path(), name);
    constexpr int kFlags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
    int fd = openat(dir.fd(), name.c_str(), kFlags);
    if (fd < 0 && errno == ENOENT && create && !*suffix)
      fd = openat(dir.fd(), name.c_str(), kFlags | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
      if (errno == ENOENT || errno == EROFS) continue;
      return open_error(dir.fd(), name, path, errno);
    }
    struct stat st {};
    Status s;
    if (fstat(fd, &st) != 0) s = sys(errno, "stat " + path);
    else if (!S_ISREG(st.st_mode))
      s = Status(Errc::EPerm, path + ": not a regular file; refused");
    else if (st.st_nlink != 1)
      s = Status(Errc::EPerm, path + ": has " + std::to_string(st.st_nlink) +
                                  " hard links; refused");
    else if ((st.st_mode & 07777) != 0600 && fchmod(fd, 0600) != 0 && errno != EROFS)
      s = sys(errno, "chmod " + path);
    else if (u.exists && u.uid != 0 && (st.st_uid != u.uid || st.st_gid != u.gid) &&
             fchown(fd, u.uid, u.gid) != 0 && errno != EROFS)
      s = sys(errno, "chown " + path);
    close(fd);
    IPADM_TRY(s);
  }
  return Status::ok();
}

Status hand_over(const DirFd& dir, const DaemonUser& u) {
  if (!u.exists || u.uid == 0) return Status::ok();
  if (fchown(dir.fd(), u.uid, u.gid) != 0) {
    if (errno == EROFS) return Status::ok();  // read-only /etc: FallbackStore copes
    return sys(errno, "chown " + dir.path());
  }
  int lfd = dup(dir.fd());
  if (lfd < 0) return sys(errno, "dup " + dir.path());
  DIR* d = fdopendir(lfd);
  if (!d) {
    int err = errno;
    close(lfd);
    return sys(err, "opendir " + dir.path());
  }
  rewinddir(d);
  Status s;
  while (dirent* e = readdir(d)) {
    if (e->d_type != DT_REG && e->d_type != DT_UNKNOWN) continue;
    int fd = openat(dir.fd(), e->d_name,
                    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) continue;  // a link, a socket, gone: not ours to hand over
    struct stat st {};
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1 &&
        fchown(fd, u.uid, u.gid) != 0)
      s = sys(errno, "chown " + join(dir.path(), e->d_name));
    close(fd);
    if (!s) break;
  }
  closedir(d);
  return s;
}

}  // namespace ipadm::daemon
