// The directories and files of ipmgmtd under its root prefix (-R), created
// and checked without ever following a symbolic link, and handed to the
// daemon user through descriptors, never by path (issue 11;
// docs/reliability.md "Files, modes and the root tree").
//
// The tree is every directory from "/" down to the daemon's own directories
// (ROOT/etc/ipadm, ROOT/run/ipadm), in three roles:
//   ancestor  above the -R root: owned by root (or the daemon's own uid) and
//             not writable by group or others, unless sticky (like /tmp:
//             another user cannot rename or remove root's entries in it);
//   tree      the -R root and the directories down to the daemon's
//             directories: owned by root (or the daemon's own uid), not
//             writable by group or others, sticky or not (sshd's StrictModes);
//   daemon    ROOT/etc/ipadm and ROOT/run/ipadm: as tree, and the daemon
//             user (-u) may own them (it does, after its first start).
// A symbolic link anywhere in it is refused, except in the -R path as given
// (resolved once with realpath(3) first; the resolved path is then checked).
//
// The store and map files (the SQLite database, -wal, -shm, -journal) are
// 0600, owned by the daemon user: no other user can open them, so none can
// take SQLite's locks (docs/store-format.md "Files").
//
// Called at start-up only, from the main thread, as root or as the daemon's
// own user. Errors are Status values naming the path; nothing is logged.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <string>
#include <vector>

#include "common/status.h"
#include "daemon/privileges.h"

namespace ipadm::daemon {

enum class DirRole { kAncestor, kTree, kDaemon };

// Who may own a directory of the tree: root and `self` (geteuid()) always,
// `daemon_uid` in the kDaemon role when `daemon_user`. The daemon user
// (daemon_uid, daemon_gid, no supplementary groups: privileges.h) reaches
// its socket and files by path after the drop, so it must be able to search
// every ancestor and tree directory.
struct TreeOwners {
  uid_t self = 0;
  bool daemon_user = false;
  uid_t daemon_uid = 0;
  gid_t daemon_gid = 0;
  std::string daemon_name = "";  // -u as given, for messages
};

// Pure: whether a directory with stat st may play `role` in the tree. OK, or
// EPerm naming path, its owner or its mode; for kAncestor and kTree also
// EPerm when a daemon user other than root cannot search it (the execute
// bit of its class, owner, group or others; ACLs are not read), naming the
// path, the user and the mode. REQUIRES: S_ISDIR(st.st_mode).
Status check_tree_dir(const std::string& path, const struct stat& st, DirRole role,
                      const TreeOwners& owners);

// An open directory of the tree.
class DirFd {
 public:
  DirFd() = default;
  DirFd(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  DirFd(DirFd&& o) noexcept : fd_(o.fd_), path_(std::move(o.path_)) { o.fd_ = -1; }
  DirFd& operator=(DirFd&& o) noexcept;
  DirFd(const DirFd&) = delete;
  DirFd& operator=(const DirFd&) = delete;
  ~DirFd();
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

// The daemon's directories, open and checked. `root` is the -R value
// resolved with realpath ("" for "/").
struct RootTree {
  std::string root;
  DirFd store_dir;     // ROOT/etc/ipadm
  DirFd volatile_dir;  // ROOT/run/ipadm
};

// Walks root_prefix ("" = "/") and below, creating what is missing (mode
// 0755, a daemon directory is set to 0755), each component opened with
// O_DIRECTORY|O_NOFOLLOW and checked with check_tree_dir.
Result<RootTree> open_root_tree(const std::string& root_prefix, const TreeOwners& owners);

// The store and map files in dir that exist or, for `create`, are created
// empty (O_CREAT|O_EXCL|O_NOFOLLOW, 0600): each opened with O_NOFOLLOW, must
// be a regular file with one link, then set to mode 0600 (fchmod) and, when
// u is a user other than root, owner u (fchown). `base` is the database
// name; its -wal, -shm and -journal are included. A read-only file system
// is no error (the FallbackStore copes).
Status secure_store_files(const DirFd& dir, const std::string& base, bool create,
                          const DaemonUser& u);

// Gives u the directory and the regular files directly in it (fchown on
// descriptors opened with O_NOFOLLOW; links, sockets and others are left
// alone). No-op when u does not exist or is root; EROFS is no error.
Status hand_over(const DirFd& dir, const DaemonUser& u);

}  // namespace ipadm::daemon
