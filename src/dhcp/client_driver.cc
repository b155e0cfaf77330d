#include "dhcp/client_driver.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <climits>

namespace ipadm::dhcp {

std::string self_exe() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

std::string first_executable(std::initializer_list<const char*> paths) {
  for (const char* p : paths)
    if (access(p, X_OK) == 0) return p;
  return paths.size() ? *paths.begin() : "";
}

bool usable_ifname(const std::string& n) {
  if (n.empty() || n.size() > 15 || n[0] == '-') return false;
  return std::none_of(n.begin(), n.end(), [](char c) {
    return c == '/' || c == ':' || std::isspace(static_cast<unsigned char>(c)) ||
           !std::isprint(static_cast<unsigned char>(c));
  });
}

}  // namespace ipadm::dhcp
