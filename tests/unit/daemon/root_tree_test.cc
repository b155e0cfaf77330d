// The root tree of ipmgmtd (issue 11 items 2 and 5): which directories may
// be part of it, links refused, store files 0600.
#include "daemon/root_tree.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "store/temp_dir.h"

namespace ipadm::daemon {
namespace {

using store::testing::TempDir;

struct stat dir_stat(uid_t uid, mode_t mode) {
  struct stat st {};
  st.st_uid = uid;
  st.st_mode = S_IFDIR | mode;
  return st;
}

TEST(RootTree, WhichDirectoriesMayBeInTheTree) {
  const TreeOwners o{.self = 0, .daemon_user = true, .daemon_uid = 999};
  auto ok = [&](uid_t uid, mode_t mode, DirRole role) {
    return check_tree_dir("/x", dir_stat(uid, mode), role, o).is_ok();
  };
  EXPECT_TRUE(ok(0, 0755, DirRole::kTree));
  EXPECT_FALSE(ok(0, 0700, DirRole::kTree));         // the daemon user cannot search it
  EXPECT_TRUE(ok(0, 0711, DirRole::kTree));
  EXPECT_FALSE(ok(4242, 0755, DirRole::kTree));      // another user's
  EXPECT_FALSE(ok(0, 0775, DirRole::kTree));         // group-writable
  EXPECT_FALSE(ok(0, 0777, DirRole::kTree));
  EXPECT_FALSE(ok(0, 01777, DirRole::kTree));        // sticky is not enough in the tree
  EXPECT_TRUE(ok(0, 01777, DirRole::kAncestor));     // ... above it (/tmp)
  EXPECT_FALSE(ok(0, 0777, DirRole::kAncestor));
  EXPECT_FALSE(ok(4242, 01777, DirRole::kAncestor));
  EXPECT_TRUE(ok(999, 0755, DirRole::kDaemon));      // the daemon's own directory
  EXPECT_FALSE(ok(999, 0755, DirRole::kTree));
  EXPECT_FALSE(ok(999, 0777, DirRole::kDaemon));
  EXPECT_FALSE(ok(0, 0700, DirRole::kAncestor));     // mktemp -d above the root
  EXPECT_TRUE(ok(0, 0700, DirRole::kDaemon));        // handed over to the user
  auto s = check_tree_dir("/r/run", dir_stat(0, 0777), DirRole::kTree, o);
  EXPECT_EQ(s.code(), Errc::EPerm);
  EXPECT_NE(s.detail().find("/r/run: writable by group or others (mode 0777)"),
            std::string::npos) << s.detail();
}

TEST(RootTree, TheDaemonUserMustSearchTheTree) {
  const TreeOwners o{.self = 0, .daemon_user = true, .daemon_uid = 999, .daemon_gid = 998,
                     .daemon_name = "netadm"};
  auto st = [](uid_t uid, gid_t gid, mode_t mode) {
    struct stat s = dir_stat(uid, mode);
    s.st_gid = gid;
    return s;
  };
  auto ok = [&](const struct stat& s) {
    return check_tree_dir("/x", s, DirRole::kAncestor, o).is_ok();
  };
  EXPECT_TRUE(ok(st(0, 0, 0701)));       // others may search
  EXPECT_FALSE(ok(st(0, 0, 0750)));      // only root's group may
  EXPECT_TRUE(ok(st(0, 998, 0710)));     // the daemon's group may
  EXPECT_FALSE(ok(st(0, 998, 0701)));    // group class applies, its x is off
  // root (no user to drop to, or -u root) and a missing user: no such check
  EXPECT_TRUE(check_tree_dir("/x", st(0, 0, 0700), DirRole::kAncestor,
                             TreeOwners{.self = 0, .daemon_user = false}).is_ok());
  auto s = check_tree_dir("/tmp/ipadmb.X", st(0, 0, 0700), DirRole::kAncestor, o);
  EXPECT_EQ(s.code(), Errc::EPerm);
  EXPECT_NE(s.detail().find("/tmp/ipadmb.X: not searchable by user netadm (uid 999)"),
            std::string::npos) << s.detail();
  EXPECT_NE(s.detail().find("mode 0700"), std::string::npos) << s.detail();
}

TEST(RootTree, CreatesTheDaemonDirectories) {
  TempDir t;
  const std::string root = t.path() + "/new/root";  // missing components are made
  auto tree = open_root_tree(root, TreeOwners{geteuid(), false, 0});
  ASSERT_TRUE(tree.is_ok()) << tree.status().to_string();
  EXPECT_EQ(tree->root, root);
  for (const char* d : {"/etc/ipadm", "/run/ipadm", "/etc", "/run"}) {
    struct stat st {};
    ASSERT_EQ(stat((root + d).c_str(), &st), 0) << d;
    EXPECT_EQ(st.st_mode & 07777, 0755u) << d;
  }
  EXPECT_EQ(tree->store_dir.path(), root + "/etc/ipadm");
  // again, on the existing tree
  EXPECT_TRUE(open_root_tree(root, TreeOwners{geteuid(), false, 0}).is_ok());
}

TEST(RootTree, LinksAndWritableDirectoriesAreRefused) {
  TempDir t;
  TempDir elsewhere;
  const std::string root = t.path();
  ASSERT_EQ(mkdir((root + "/run").c_str(), 0755), 0);
  ASSERT_EQ(symlink(elsewhere.path().c_str(), (root + "/run/ipadm").c_str()), 0);
  auto tree = open_root_tree(root, TreeOwners{geteuid(), false, 0});
  ASSERT_FALSE(tree.is_ok());
  EXPECT_NE(tree.status().detail().find(root + "/run/ipadm: is a symbolic link"),
            std::string::npos) << tree.status().detail();
  EXPECT_TRUE(std::filesystem::is_empty(elsewhere.path()));
  ASSERT_EQ(unlink((root + "/run/ipadm").c_str()), 0);
  ASSERT_EQ(chmod((root + "/run").c_str(), 0777), 0);
  tree = open_root_tree(root, TreeOwners{geteuid(), false, 0});
  ASSERT_FALSE(tree.is_ok());
  EXPECT_NE(tree.status().detail().find("writable by group or others"), std::string::npos);
}

TEST(RootTree, StoreFilesAre0600) {
  TempDir t;
  auto tree = open_root_tree(t.path(), TreeOwners{geteuid(), false, 0});
  ASSERT_TRUE(tree.is_ok()) << tree.status().to_string();
  const std::string dir = t.path() + "/etc/ipadm/";
  int fd = open((dir + "ipadm.db-wal").c_str(), O_CREAT | O_WRONLY, 0644);
  ASSERT_GE(fd, 0);
  close(fd);
  ASSERT_EQ(chmod((dir + "ipadm.db-wal").c_str(), 0644), 0);
  ASSERT_TRUE(secure_store_files(tree->store_dir, "ipadm.db", true, DaemonUser{}).is_ok());
  for (const char* f : {"ipadm.db", "ipadm.db-wal"}) {
    struct stat st {};
    ASSERT_EQ(stat((dir + f).c_str(), &st), 0) << f;
    EXPECT_EQ(st.st_mode & 07777, 0600u) << f;
  }
  EXPECT_FALSE(std::filesystem::exists(dir + "ipadm.db-shm"));  // only the database is created
  // a link or a second name of a store file: refused
  ASSERT_EQ(symlink("/etc/passwd", (dir + "ipadm.db-shm").c_str()), 0);
  auto s = secure_store_files(tree->store_dir, "ipadm.db", true, DaemonUser{});
  EXPECT_EQ(s.code(), Errc::EPerm);
  EXPECT_NE(s.detail().find("ipadm.db-shm: is a symbolic link"), std::string::npos) << s.detail();
  ASSERT_EQ(unlink((dir + "ipadm.db-shm").c_str()), 0);
  ASSERT_EQ(link((dir + "ipadm.db").c_str(), (t.path() + "/other").c_str()), 0);
  s = secure_store_files(tree->store_dir, "ipadm.db", true, DaemonUser{});
  EXPECT_NE(s.detail().find("hard links"), std::string::npos) << s.detail();
}

}  // namespace
}  // namespace ipadm::daemon
