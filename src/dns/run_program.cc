// run_program (resolvconf_sink.h): fork + exec with a pipe on stdin.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "dns/resolvconf_sink.h"

namespace ipadm::dns {

namespace {
constexpr int kTimeoutMs = 10000;
}

Status run_program(const std::vector<std::string>& argv, const std::string& input) {
  if (argv.empty()) return Status(Errc::InvalidArg, "no program");
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) return Status::from_errno(errno, "pipe");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  char path_env[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
  char* envp[] = {path_env, nullptr};
  pid_t pid = ::fork();
  if (pid < 0) {
    int e = errno;
    ::close(p[0]);
    ::close(p[1]);
    return Status::from_errno(e, "fork");
  }
  if (pid == 0) {  // async-signal-safe calls only
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGPIPE, SIG_DFL);
    if (::dup2(p[0], 0) < 0) _exit(127);
    int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) ::dup2(null, 1);
    ::execve(args[0], args.data(), envp);
    _exit(127);
  }
  ::close(p[0]);
  size_t off = 0;
  while (off < input.size()) {
    ssize_t n = ::write(p[1], input.data() + off, input.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;  // the program stopped reading; its exit status tells
    off += static_cast<size_t>(n);
  }
  ::close(p[1]);
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kTimeoutMs);
  for (;;) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) return Status::from_errno(errno, "waitpid");
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return Status(Errc::Failure, argv[0] + " did not finish in 10 s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::ok();
  std::string how = WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                      : "signal " + std::to_string(WTERMSIG(status));
  return Status(Errc::Failure, argv[0] + " failed (" + how + ")");
}

}  // namespace ipadm::dns
