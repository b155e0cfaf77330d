#include "dhcp/hook.h"

#include <cap-ng.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "dhcp/lease.h"

namespace ipadm::dhcp {
namespace {

int hook_fd_from_env() {
  const char* s = std::getenv(kHookFdEnv);
  if (!s) return -1;
  std::string_view v(s);
  int fd = -1;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), fd);
  if (ec != std::errc() || p != v.data() + v.size() || fd < 0 || fd > 1023) return -1;
  int type = 0;
  socklen_t len = sizeof(type);
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_SEQPACKET) return -1;
  return fd;
}

// Waits for the ack; false on timeout, error or EOF.
bool wait_ack(int fd) {
  using clock = std::chrono::steady_clock;
  auto deadline = clock::now() + std::chrono::milliseconds(kHookAckTimeoutMs);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    int n = poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    char b = 0;
    ssize_t r = recv(fd, &b, 1, 0);
    if (r < 0 && errno == EINTR) continue;
    return r == 1 && b == kAck;
  }
}

}  // namespace

int hook_main(int argc, char** argv) {
  // The hook needs no privilege: drop what udhcpc passed on (ambient caps).
  capng_clear(CAPNG_SELECT_CAPS);
  (void)capng_apply(CAPNG_SELECT_CAPS);

  if (argc < 2) return 1;
  int fd = hook_fd_from_env();
  if (fd < 0) return 1;
  HookMessage m;
  m.event = argv[1];
  for (std::string_view key : kHookVars) {
    std::string k(key);
    if (const char* v = std::getenv(k.c_str())) m.vars.emplace(k, v);
  }
  auto bytes = hook_encode(m);
  if (!bytes) return 1;
  // A late ack of an earlier, timed-out run must not count as ours.
  char stale[16];
  while (recv(fd, stale, sizeof(stale), MSG_DONTWAIT) > 0) {
  }
  ssize_t n;
  do n = send(fd, bytes->data(), bytes->size(), MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(bytes->size())) return 1;
  return wait_ack(fd) ? 0 : 1;
}

}  // namespace ipadm::dhcp
