#include "daemon/conn_io.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

namespace ipadm::daemon {

namespace {

using Clock = std::chrono::steady_clock;

// poll() one fd for `events` for up to timeout_ms (< 0: forever), across
// EINTR. Returns >0 ready, 0 timeout, <0 error.
int wait_fd(int fd, short events, int timeout_ms) {
  auto until = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    int left = -1;
    if (timeout_ms >= 0) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
      left = ms > 0 ? static_cast<int>(ms) : 0;
    }
    pollfd p{fd, events, 0};
    int r = poll(&p, 1, left);
    if (r < 0 && errno == EINTR) continue;
    return r;
  }
}

}  // namespace

Recv recv_datagram(int fd, int timeout_ms, size_t max, std::string* out) {
  for (;;) {
    int r = wait_fd(fd, POLLIN, timeout_ms);
    if (r == 0) return Recv::Timeout;
    if (r < 0) return Recv::Closed;
    // Peek at the length first: the buffer is as large as the message,
    // not as large as the largest message (idle connections stay small).
    char probe;
    ssize_t len = recv(fd, &probe, 1, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
    if (len < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (len <= 0) return Recv::Closed;
    if (static_cast<size_t>(len) > max) {
      recv(fd, &probe, 1, MSG_TRUNC | MSG_DONTWAIT);  // drop it
      return Recv::Oversize;
    }
    out->resize(static_cast<size_t>(len));
    ssize_t n = recv(fd, out->data(), out->size(), MSG_TRUNC | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return Recv::Closed;
    out->resize(std::min(static_cast<size_t>(n), out->size()));
    return Recv::Message;
  }
}

Send send_datagram(int fd, const std::string& bytes, int stall_ms) {
  for (;;) {
    ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n == static_cast<ssize_t>(bytes.size())) return Send::Sent;
    if (n >= 0 || (errno != EAGAIN && errno != EINTR)) return Send::Closed;
    if (errno == EINTR) continue;
    int r = wait_fd(fd, POLLOUT, stall_ms);
    if (r == 0) return Send::Stalled;
    if (r < 0) return Send::Closed;
  }
}

void discard_until_closed(int fd) {
  shutdown(fd, SHUT_WR);
  char sink[512];
  for (int left_ms = 200; left_ms > 0; left_ms -= 20) {
    pollfd p{fd, POLLIN, 0};
    int r = poll(&p, 1, 20);
    if (r < 0 && errno != EINTR) return;
    if (r <= 0) continue;
    ssize_t n = recv(fd, sink, sizeof sink, MSG_DONTWAIT | MSG_TRUNC);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return;  // closed
  }
}

}  // namespace ipadm::daemon
