// Helpers shared by the agent tests (fake clients write log files).
#pragma once

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace ipadm::dhcp::testutil {

inline std::string read_file(const std::string& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Lines of file p (containing needle, if not empty).
inline int count_lines(const std::string& p, const std::string& needle = "") {
  std::istringstream in(read_file(p));
  int n = 0;
  for (std::string l; std::getline(in, l);)
    if (needle.empty() || l.find(needle) != std::string::npos) ++n;
  return n;
}

// Polls pred every 10 ms until true or limit has passed.
template <typename F>
bool wait_for(F pred, std::chrono::milliseconds limit = std::chrono::milliseconds(5000)) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

}  // namespace ipadm::dhcp::testutil
