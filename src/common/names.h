// Object names: interface names and address-object names (spec 3.1).
//
// Linux interface names: 1-15 bytes, no '/', ':' or whitespace, not "." or
// "..". Address objects: "IFNAME/USER", USER 1-31 characters, the first
// alphabetic, the rest alphanumeric. Pure functions, no I/O.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace ipadm {

constexpr size_t kIfNameMax = 15;     // IFNAMSIZ - 1
constexpr size_t kAobjUserMax = 31;

bool ifname_valid(std::string_view ifname);

struct AddrObjName {
  std::string ifname;
  std::string user;
  std::string full() const { return ifname + "/" + user; }
};

// Parses "IF/USER". InvalidArg for a bad user part or missing '/', Enxio-free:
// the interface is only checked syntactically (InvalidName if malformed).
Result<AddrObjName> parse_aobjname(std::string_view text);

// Families as the illumos store numbers them (AF_INET6 = 26 on illumos).
constexpr int kIllumosAfInet = 2;
constexpr int kIllumosAfInet6 = 26;

// Address-object types (illumos ipadm_addr_type_t values).
// FromGz: an address the host delegated to this namespace (spec section 8);
// never persisted, so its value never reaches an illumos store.
enum class AddrType : int { None = 0, Static = 1, Addrconf = 2, Dhcp = 3, FromGz = 4 };
std::string_view addrtype_name(AddrType t);  // "static", "addrconf", "dhcp", "from-gz", "--"

// Object flags (illumos IPMGMT_ACTIVE / IPMGMT_PERSIST).
constexpr uint32_t kActive = 0x1;
constexpr uint32_t kPersist = 0x2;
// Interfaces only: the link went away while the interface was active (not a
// disable-if): it is enabled again when a link of that name appears.
constexpr uint32_t kAbsent = 0x4;

}  // namespace ipadm
