#include "dhcp/hook.h"

#include <cap-ng.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "dhcp/lease.h"
#include "dhcp/linklocal.h"

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

// PREINIT6: dhclient binds to the link-local address once this returns
// (linklocal.h); wait up to its --dad-wait-time (at most 60 s) for one.
void wait_dad(const HookMessage& m) {
  auto iface = m.vars.find("interface");
  const char* w = std::getenv("dad_wait_time");
  if (iface == m.vars.end() || !w) return;
  std::string_view v(w);
  int secs = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), secs);
  if (ec != std::errc() || p != v.data() + v.size() || secs <= 0) return;
  wait_linklocal(iface->second, std::min(secs, 60) * 1000);
}

}  // namespace

int hook_main(int argc, char** argv) {
  // The hook needs no privilege: drop what udhcpc passed on (ambient caps).
  capng_clear(CAPNG_SELECT_CAPS);
  (void)capng_apply(CAPNG_SELECT_CAPS);

  int fd = hook_fd_from_env();
  if (fd < 0) return 1;
  HookMessage m;
  if (argc >= 2) {
    m.event = argv[1];                       // udhcpc
  } else if (const char* r = std::getenv("reason"); r && std::strlen(r) <= 16) {
    m.event = r;                             // dhclient
    for (char& c : m.event) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  } else {
    return 1;
  }
  for (std::string_view key : kHookVars) {
    std::string k(key);
    if (const char* v = std::getenv(k.c_str())) m.vars.emplace(k, v);
  }
  if (m.event == "preinit6") wait_dad(m);
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
