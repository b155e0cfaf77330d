#include "common/names.h"

#include <cctype>

namespace ipadm {

bool ifname_valid(std::string_view n) {
  if (n.empty() || n.size() > kIfNameMax || n == "." || n == "..") return false;
  for (char c : n) {
    auto u = static_cast<unsigned char>(c);
    if (c == '/' || c == ':' || std::isspace(u) || u < 0x20 || u >= 0x7f) return false;
  }
  return true;
}

Result<AddrObjName> parse_aobjname(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos)
    return Result<AddrObjName>(Errc::InvalidArg, "missing '/' in address object name");
  std::string_view ifn = text.substr(0, slash);
  std::string_view user = text.substr(slash + 1);
  if (!ifname_valid(ifn)) return Result<AddrObjName>(Errc::InvalidName, std::string(ifn));
  if (user.empty() || user.size() > kAobjUserMax || !std::isalpha(static_cast<unsigned char>(user[0])))
    return Result<AddrObjName>(Errc::InvalidArg, std::string(text));
  for (char c : user)
    if (!std::isalnum(static_cast<unsigned char>(c)))
      return Result<AddrObjName>(Errc::InvalidArg, std::string(text));
  return AddrObjName{std::string(ifn), std::string(user)};
}

std::string_view addrtype_name(AddrType t) {
  switch (t) {
    case AddrType::Static: return "static";
    case AddrType::Addrconf: return "addrconf";
    case AddrType::Dhcp: return "dhcp";
    case AddrType::FromGz: return "from-gz";
    default: return "--";
  }
}

}  // namespace ipadm
