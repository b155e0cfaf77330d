// bench_load: the load client of bench/serving.sh. CLIENTS threads, each
// with its own connection, send one request at a time for SECONDS and time
// every round trip (steady_clock, send to last reply).
//
//   bench_load ipadm ROOT IFNAME CLIENTS SECONDS
//       libipadm's Client::show_if(IFNAME) against ipmgmtd -R ROOT (the real
//       protocol: Hello, Request, Reply); every reply must be OK and hold
//       exactly one interface named IFNAME.
//   bench_load echo SOCKET IFNAME CLIENTS SECONDS
//       the same request, serialized, over a raw SOCK_SEQPACKET connection
//       to bench_echo; every reply must be the bytes sent.
//
// Output, one line: "clients N requests R seconds S rps X p50_us A p99_us B
// errors E". Exit status 1 when any request failed (E > 0) or none was made.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "client/client.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Sample {
  std::vector<uint32_t> us;  // one per request
  long errors = 0;
};

std::string show_if_bytes(const std::string& ifname) {
  ipadm::rpc::Request req;
  req.set_id(2);
  req.mutable_show_if()->set_ifname(ifname);
  return req.SerializeAsString();
}

int connect_to(const std::string& path) {
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::strncpy(sa.sun_path, path.c_str(), sizeof(sa.sun_path) - 1);
  int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0) return fd;
  if (fd >= 0) close(fd);
  return -1;
}

void run_echo(const std::string& sock, const std::string& ifname, Clock::time_point end,
              Sample* s) {
  int fd = connect_to(sock);
  if (fd < 0) {
    s->errors++;
    return;
  }
  const std::string msg = show_if_bytes(ifname);
  char buf[64 * 1024];
  while (Clock::now() < end) {
    auto t0 = Clock::now();
    ssize_t n = send(fd, msg.data(), msg.size(), MSG_NOSIGNAL);
    ssize_t m = n == static_cast<ssize_t>(msg.size()) ? recv(fd, buf, sizeof(buf), 0) : -1;
    auto t1 = Clock::now();
    if (m != n || std::memcmp(buf, msg.data(), msg.size()) != 0) {
      s->errors++;
      break;
    }
    s->us.push_back(static_cast<uint32_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(t1 - t0).count()));
  }
  close(fd);
}

void run_ipadm(const std::string& root, const std::string& ifname, Clock::time_point end,
               Sample* s) {
  ipadm::client::Client c(ipadm::Paths::for_root(root));
  while (Clock::now() < end) {
    auto t0 = Clock::now();
    auto r = c.show_if(ifname);
    auto t1 = Clock::now();
    if (!r || r->ifs_size() != 1 || r->ifs(0).ifname() != ifname) {
      if (!r) std::fprintf(stderr, "bench_load: %s\n", r.status().to_string().c_str());
      s->errors++;
      break;
    }
    s->us.push_back(static_cast<uint32_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(t1 - t0).count()));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: bench_load ipadm|echo ROOT|SOCKET IFNAME CLIENTS SECONDS\n");
    return 2;
  }
  const std::string mode = argv[1], where = argv[2], ifname = argv[3];
  const int clients = std::atoi(argv[4]);
  const double seconds = std::atof(argv[5]);
  if ((mode != "ipadm" && mode != "echo") || clients < 1 || seconds <= 0) {
    std::fprintf(stderr, "bench_load: bad arguments\n");
    return 2;
  }
  std::vector<Sample> samples(static_cast<size_t>(clients));
  std::vector<std::thread> threads;
  auto start = Clock::now();
  auto end = start + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(seconds));
  for (int i = 0; i < clients; i++)
    threads.emplace_back(mode == "echo" ? run_echo : run_ipadm, where, ifname, end,
                         &samples[static_cast<size_t>(i)]);
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<uint32_t> all;
  long errors = 0;
  for (const Sample& s : samples) {
    all.insert(all.end(), s.us.begin(), s.us.end());
    errors += s.errors;
  }
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) -> uint32_t {
    return all.empty() ? 0 : all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))];
  };
  std::printf("clients %d requests %zu seconds %.3f rps %.0f p50_us %u p99_us %u errors %ld\n",
              clients, all.size(), elapsed, static_cast<double>(all.size()) / elapsed, pct(0.50),
              pct(0.99), errors);
  return errors > 0 || all.empty() ? 1 : 0;
}
