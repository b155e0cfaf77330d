// Starting one DHCP client process: fork + exec with the hook socket
// inherited, and nothing else.
//
// The child side runs only async-signal-safe calls (the daemon is threaded):
// it resets signal mask and dispositions (the daemon blocks SIGTERM and
// ignores SIGPIPE), starts a new session, sets PR_SET_PDEATHSIG=SIGTERM (the
// client dies with the thread that spawned it, so a SIGKILLed daemon leaves
// no client behind) and checks getppid() afterwards, optionally raises
// ambient capabilities (they must be in the caller's permitted and
// inheritable sets), points stdin and stdout at
// /dev/null (stderr is kept), moves the hook socket to kHookFd, marks every
// other descriptor close-on-exec and execs. An exec failure is reported back
// through a close-on-exec pipe, so spawn_client() fails synchronously.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace ipadm::dhcp {

struct SpawnSpec {
  std::string path;                  // program to exec
  std::vector<std::string> argv;     // argv[0] included
  std::vector<std::string> env;      // "K=V", the whole environment
  int hook_sock = -1;                // becomes kHookFd in the child
  uint64_t ambient_caps = 0;         // bit (1 << CAP_x) for each to raise
};

struct SpawnedChild {
  pid_t pid = -1;
  int pidfd = -1;                    // readable once the child exits; -1 if unsupported
};

// DhcpStartError (with the errno) if fork or exec fails; the caller owns the
// child (reap it with waitpid) and the pidfd.
Result<SpawnedChild> spawn_client(const SpawnSpec& spec);

}  // namespace ipadm::dhcp
