// Self-daemonizing with a readiness pipe (spec 1.3). The parent blocks until
// the child reports: it exits with the child's status (0 = socket accepting),
// or 1 if the child died without reporting. The child keeps only the pipe's
// write end among its descriptors 3+, calls setsid() and chdir("/").
#pragma once

namespace ipadm::daemon {

class Readiness {
 public:
  // Forks (unless foreground). Returns only in the process that continues
  // as the daemon; the parent never returns.
  static Readiness begin(bool foreground);
  // Reports the start-up result to the waiting parent (or to systemd via
  // sd_notify when NOTIFY_SOCKET is set). Idempotent.
  void report(int status);

 private:
  int fd_ = -1;
  bool reported_ = false;
};

}  // namespace ipadm::daemon
