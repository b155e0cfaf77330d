// Every file path of an instance, derived from one root prefix
// (ipmgmtd -R DIR, ipadm -R DIR, or $IPADM_ROOT; "" = the host's own).
#pragma once

#include <string>

namespace ipadm {

struct Paths {
  std::string root;  // "" or an absolute directory without trailing '/'

  std::string store_dir() const { return root + "/etc/ipadm"; }
  std::string store_db() const { return store_dir() + "/ipadm.db"; }
  std::string legacy_conf() const { return store_dir() + "/ipadm.conf"; }
  // illumos route -p file, imported once at first start.
  std::string static_routes() const { return root + "/etc/inet/static_routes"; }
  std::string volatile_dir() const { return root + "/run/ipadm"; }
  std::string volatile_db() const { return volatile_dir() + "/aobjmap.db"; }
  std::string volatile_store_copy() const { return volatile_dir() + "/ipadm.db"; }
  std::string socket() const { return volatile_dir() + "/ipmgmt.sock"; }
  std::string delegation() const { return store_dir() + "/delegated.conf"; }

  // Normalizes: strips trailing slashes, "/" -> "".
  static Paths for_root(std::string root);
  // -R value if non-empty, else $IPADM_ROOT, else "".
  static Paths from_env(const std::string& cli_root);
};

}  // namespace ipadm
