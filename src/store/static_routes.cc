// illumos /etc/inet/static_routes parser (see static_routes.h).
#include "store/static_routes.h"

#include <sys/socket.h>

#include <bit>
#include <optional>
#include <sstream>

#include "common/ipaddr.h"

namespace ipadm::store {

namespace {

// The prefix length of a contiguous IPv4 netmask (dotted) or a number.
std::optional<int> mask_len(const std::string& mask) {
  if (auto m = IpAddr::parse(mask); m && m->family == AF_INET) {
    uint32_t v = (uint32_t{m->bytes[0]} << 24) | (uint32_t{m->bytes[1]} << 16) |
                 (uint32_t{m->bytes[2]} << 8) | m->bytes[3];
    const int len = std::countl_one(v);
    if (len < 32 && (v << len) != 0) return std::nullopt;  // not contiguous
    return len;
  }
  return std::nullopt;
}

struct Line {
  std::string family_opt;  // "", "-inet", "-inet6"
  bool net = false, host = false;
  std::string mask, ifname;
  std::vector<std::string> words;  // DEST GATEWAY
};

// One line's tokens; the unknown option, if any, in *unknown.
Line tokens(const std::string& text, std::string* unknown) {
  Line l;
  std::istringstream in(text);
  std::string w;
  while (in >> w) {
    if (w == "-inet" || w == "-inet6") l.family_opt = w;
    else if (w == "-net") l.net = true;
    else if (w == "-host") l.host = true;
    else if (w == "-netmask" || w == "-ifp") {
      std::string v;
      if (!(in >> v)) {
        *unknown = w + " without a value";
        break;
      }
      (w == "-netmask" ? l.mask : l.ifname) = v;
    } else if (!w.empty() && w[0] == '-') {
      *unknown = "option " + w + " is not supported";
      break;
    } else {
      l.words.push_back(w);
    }
  }
  return l;
}

}  // namespace

Result<ConfSnapshot> parse_static_routes(std::string_view text, std::vector<std::string>* warnings) {
  ConfSnapshot s;
  std::istringstream in{std::string(text)};
  std::string raw;
  size_t n = 0;
  auto warn = [&](const std::string& why) {
    if (warnings) warnings->push_back("line " + std::to_string(n) + ": " + why + "; not imported");
  };
  while (std::getline(in, raw)) {
    ++n;
    const size_t start = raw.find_first_not_of(" \t\r");
    if (start == std::string::npos || raw[start] == '#') continue;
    std::string unknown;
    Line l = tokens(raw, &unknown);
    if (!unknown.empty()) {
      warn(unknown);
      continue;
    }
    if (l.words.size() != 2) {
      warn("expected a destination and a gateway");
      continue;
    }
    std::string dest = l.words[0];
    const std::string& gw = l.words[1];
    if (dest != "default" && dest.find('/') == std::string::npos) {
      auto a = IpAddr::parse(dest);
      if (!a) {
        warn("destination " + address_detail(dest) + " is not numeric");
        continue;
      }
      std::optional<int> len = a->max_prefixlen();
      if (!l.mask.empty()) len = mask_len(l.mask);
      else if (l.net) len = std::nullopt;  // a classful network: not guessed
      if (!len) {
        warn("destination " + dest + ": give its prefix length (ADDR/LEN or -netmask)");
        continue;
      }
      dest = a->to_string() + "/" + std::to_string(*len);
    }
    auto g = IpAddr::parse(gw);
    if (!g) {
      warn("gateway " + address_detail(gw) + " is not numeric");
      continue;
    }
    RouteRecord r;
    r.family = route_family(dest, gw);
    if (r.family == 0) {
      warn("destination " + address_detail(dest) + " is not numeric");
      continue;
    }
    const int want = l.family_opt == "-inet6" ? AF_INET6 : l.family_opt == "-inet" ? AF_INET : 0;
    if ((want && want != r.family) || g->family != r.family)
      return Status(Errc::InvalidArg, "line " + std::to_string(n) + ": " + l.family_opt +
                                          " route " + dest + " via " + gw +
                                          ": the addresses are of another family");
    r.destination = dest;
    r.gateway = g->to_string();
    r.ifname = l.ifname;
    r.metric = r.family == AF_INET6 ? 1024 : 0;
    s.routes.push_back(std::move(r));
    s.route_lines.push_back(n);
  }
  return s;
}

}  // namespace ipadm::store
