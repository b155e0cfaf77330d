#include "dhcp/linklocal.h"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <thread>

namespace ipadm::dhcp {
namespace {

constexpr unsigned kScopeLink = 0x20;     // IPV6_ADDR_LINKLOCAL
constexpr unsigned kTentative = 0x40;     // IFA_F_TENTATIVE
constexpr unsigned kDadFailed = 0x08;     // IFA_F_DADFAILED

// Splits a line into white-space separated fields, at most n.
size_t fields(std::string_view line, std::string_view* out, size_t n) {
  size_t k = 0, i = 0;
  while (k < n) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i == line.size()) break;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    out[k++] = line.substr(i, j - i);
    i = j;
  }
  return k;
}

bool hex(std::string_view s, unsigned& v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  return ec == std::errc() && p == s.data() + s.size();
}

std::string slurp(const char* path) {
  std::string out;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof(buf))) > 0 && out.size() < (1u << 20);)
    out.append(buf, static_cast<size_t>(n));
  close(fd);
  return out;
}

}  // namespace

bool has_usable_linklocal(std::string_view text, std::string_view ifname) {
  // "fe800000000000000000000000000001 02 40 20 80 veth0": address, ifindex,
  // prefix length, scope, flags, name.
  size_t i = 0;
  while (i < text.size()) {
    size_t nl = text.find('\n', i);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view f[6];
    unsigned scope = 0, flags = 0;
    if (fields(text.substr(i, nl - i), f, 6) == 6 && f[5] == ifname && hex(f[3], scope) &&
        hex(f[4], flags) && scope == kScopeLink && !(flags & (kTentative | kDadFailed)))
      return true;
    i = nl + 1;
  }
  return false;
}

bool wait_linklocal(const std::string& ifname, int timeout_ms, const char* path) {
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    if (has_usable_linklocal(slurp(path), ifname)) return true;
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace ipadm::dhcp
