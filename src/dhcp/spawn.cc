#include "dhcp/spawn.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "dhcp/hook.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

namespace ipadm::dhcp {
namespace {

// Child side of spawn_client(): async-signal-safe calls only, never returns.
[[noreturn]] void child_exec(const SpawnSpec& spec, char* const* argv, char* const* envp,
                             pid_t parent, int devnull, int errfd) {
  auto die = [errfd](int stage) {
    int e[2] = {stage, errno};
    ssize_t n = write(errfd, e, sizeof(e));
    (void)n;
    _exit(127);
  };
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig)
    if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &dfl, nullptr);
  setsid();
  if (prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) != 0) die(1);
  if (getppid() != parent) _exit(0);  // the spawning thread is already gone
  // Failure is not fatal here: the client then fails to open its sockets,
  // exits, and the agent's restart/backoff reports it.
  for (unsigned long cap = 0; cap < 64; ++cap)
    if (spec.ambient_caps & (uint64_t{1} << cap))
      prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0);
  if (dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0) die(2);
  if (spec.hook_sock == kHookFd) {
    if (fcntl(kHookFd, F_SETFD, 0) != 0) die(3);
  } else if (dup2(spec.hook_sock, kHookFd) < 0) {
    die(3);
  }
  // Every other descriptor: close-on-exec (errfd must live until the exec).
  syscall(SYS_close_range, 3u, static_cast<unsigned>(kHookFd - 1), CLOSE_RANGE_CLOEXEC);
  syscall(SYS_close_range, static_cast<unsigned>(kHookFd + 1), ~0u, CLOSE_RANGE_CLOEXEC);
  execve(spec.path.c_str(), argv, envp);
  die(4);
  _exit(127);
}

}  // namespace

Result<SpawnedChild> spawn_client(const SpawnSpec& spec) {
  // Everything the child needs is built before the fork.
  std::vector<char*> argv, envp;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull < 0) return Status(Errc::DhcpStartError, "/dev/null", errno);
  int errpipe[2];
  if (pipe2(errpipe, O_CLOEXEC) != 0) {
    int e = errno;
    close(devnull);
    return Status(Errc::DhcpStartError, "pipe", e);
  }
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) child_exec(spec, argv.data(), envp.data(), parent, devnull, errpipe[1]);
  int fork_errno = errno;
  close(devnull);
  close(errpipe[1]);
  if (pid < 0) {
    close(errpipe[0]);
    return Status(Errc::DhcpStartError, "fork", fork_errno);
  }
  int e[2] = {0, 0};
  ssize_t n;
  do n = read(errpipe[0], e, sizeof(e));
  while (n < 0 && errno == EINTR);
  close(errpipe[0]);
  if (n == static_cast<ssize_t>(sizeof(e))) {
    waitpid(pid, nullptr, 0);
    static const char* stage[] = {"?", "PR_SET_PDEATHSIG", "dup2", "hook fd", "exec"};
    int s = (e[0] >= 1 && e[0] <= 4) ? e[0] : 0;
    return Status(Errc::DhcpStartError,
                  std::string(stage[s]) + " " + spec.path + ": " + std::strerror(e[1]), e[1]);
  }
  SpawnedChild c;
  c.pid = pid;
  c.pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (c.pidfd >= 0) fcntl(c.pidfd, F_SETFD, FD_CLOEXEC);
  return c;
}

}  // namespace ipadm::dhcp
