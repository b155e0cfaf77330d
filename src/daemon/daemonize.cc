#include "daemon/daemonize.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace ipadm::daemon {

namespace {

void close_all_except(int keep) {
  std::vector<int> fds;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (dirent* e = readdir(d)) {
      int fd = std::atoi(e->d_name);
      if (e->d_name[0] != '.' && fd > 2 && fd != keep && fd != dirfd(d)) fds.push_back(fd);
    }
    closedir(d);
  }
  for (int fd : fds) close(fd);
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0) {
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    if (null > 2) close(null);
  }
}

}  // namespace

Readiness Readiness::begin(bool foreground) {
  Readiness r;
  if (foreground) return r;
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) {
    std::fprintf(stderr, "ipmgmtd: pipe: %s\n", std::strerror(errno));
    std::exit(1);
  }
  pid_t pid = fork();
  if (pid < 0) {
    std::fprintf(stderr, "ipmgmtd: fork: %s\n", std::strerror(errno));
    std::exit(1);
  }
  if (pid > 0) {
    close(p[1]);
    int status = 1;
    ssize_t n;
    do n = read(p[0], &status, sizeof(status));
    while (n < 0 && errno == EINTR);
    if (n != sizeof(status)) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
      std::_Exit(1);
    }
    if (status != 0) waitpid(pid, nullptr, 0);
    std::_Exit(status);
  }
  close(p[0]);
  setsid();
  close_all_except(p[1]);
  if (chdir("/") != 0) {
  }
  r.fd_ = p[1];
  return r;
}

void Readiness::report(int status) {
  if (reported_) return;
  reported_ = true;
  if (fd_ >= 0) {
    ssize_t n;
    do n = write(fd_, &status, sizeof(status));
    while (n < 0 && errno == EINTR);
    close(fd_);
    fd_ = -1;
  }
  if (status == 0 && std::getenv("NOTIFY_SOCKET")) sd_notify(0, "READY=1");
}

}  // namespace ipadm::daemon
