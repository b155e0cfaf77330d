#include "daemon/conn_io.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "common/protocol.h"

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

Recv recv_datagram(int fd, int timeout_ms, size_t max, std::string* out, int* armed_ms) {
  // Received on the stack (only the message's own bytes are touched), then
  // copied: a connection keeps a buffer as large as its last message, not
  // as large as the largest. MSG_TRUNC makes recv return the datagram's
  // real length, so one call both takes it and says whether it was too big.
  char buf[kMaxMessage + 1];
  max = std::min(max, kMaxMessage);
  // With armed_ms and a time-out to wait (0 would mean forever there), the
  // receive blocks for at most timeout_ms itself.
  const bool blocking = armed_ms && timeout_ms > 0;
  if (blocking && *armed_ms != timeout_ms) {
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0) return Recv::Closed;
    *armed_ms = timeout_ms;
  }
  for (;;) {
    if (!blocking) {
      int r = wait_fd(fd, POLLIN, timeout_ms);
      if (r == 0) return Recv::Timeout;
      if (r < 0) return Recv::Closed;
    }
    ssize_t n = recv(fd, buf, max + 1, MSG_TRUNC | (blocking ? 0 : MSG_DONTWAIT));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      if (blocking) return Recv::Timeout;
      continue;
    }
    if (n <= 0) return Recv::Closed;
    if (static_cast<size_t>(n) > max) return Recv::Oversize;  // taken and dropped
    out->assign(buf, static_cast<size_t>(n));
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
