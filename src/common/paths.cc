#include "common/paths.h"

#include <cstdlib>

namespace ipadm {

Paths Paths::for_root(std::string root) {
  while (!root.empty() && root.back() == '/') root.pop_back();
  return Paths{std::move(root)};
}

Paths Paths::from_env(const std::string& cli_root) {
  if (!cli_root.empty()) return for_root(cli_root);
  const char* env = std::getenv("IPADM_ROOT");
  return for_root(env ? env : "");
}

}  // namespace ipadm
