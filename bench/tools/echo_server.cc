// bench_echo: the reference of bench/serving.sh, a raw AF_UNIX SOCK_SEQPACKET
// echo server. One thread per connection: each datagram read is sent back as
// it is. No parsing, no locks: the ceiling of what any server on this
// transport and machine can do per request.
//
//   bench_echo SOCKET_PATH     (prints "ready" on stdout once listening;
//                               runs until killed)
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <thread>

namespace {

void echo(int fd) {
  char buf[64 * 1024];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    if (send(fd, buf, static_cast<size_t>(n), MSG_NOSIGNAL) != n) break;
  }
  close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: bench_echo SOCKET_PATH\n");
    return 2;
  }
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  if (std::strlen(argv[1]) >= sizeof(sa.sun_path)) {
    std::fprintf(stderr, "bench_echo: %s: path too long\n", argv[1]);
    return 2;
  }
  std::strcpy(sa.sun_path, argv[1]);
  unlink(argv[1]);
  int lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (lfd < 0 || bind(lfd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0 ||
      listen(lfd, 512) != 0) {
    std::perror("bench_echo");
    return 1;
  }
  std::printf("ready\n");
  std::fflush(stdout);
  for (;;) {
    int fd = accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::thread(echo, fd).detach();
  }
}
