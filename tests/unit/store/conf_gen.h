// Random ConfSnapshots for the import/export property tests, and fixture
// loading. Deterministic for a given seed. Test helper; not thread-safe.
#pragma once

#include <sys/socket.h>

#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "store/conf_model.h"

namespace ipadm::store::testing {

// Contents of tests/fixtures/<name> ("" if unreadable).
inline std::string read_fixture(const std::string& name) {
  std::string here = __FILE__;  // .../tests/unit/store/conf_gen.h
  std::string dir = here.substr(0, here.rfind("/unit/store/"));
  std::ifstream in(dir + "/fixtures/" + name, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class ConfGen {
 public:
  // illumos_safe: only what ipadm.conf can carry (no ';', line breaks or ','
  // in address text, no control characters); otherwise any UTF-8 text.
  ConfGen(unsigned seed, bool illumos_safe) : rng_(seed), safe_(illumos_safe) {}

  ConfSnapshot snapshot() {
    ConfSnapshot s;
    std::set<std::string> ifnames;
    int nifs = pick(0, 5);
    for (int i = 0; i < nifs; ++i) {
      std::string name = one_of({"net", "eth", "e1000g", "bge", "vlan.", "br-x"}) + std::to_string(pick(0, 30));
      if (!ifnames.insert(name).second) continue;
      s.ifs.push_back({name, coin(), coin()});
    }
    for (const auto& i : s.ifs) {
      int naddrs = pick(0, 4);
      for (int k = 0; k < naddrs; ++k) s.addrs.push_back(addr(i.ifname, "a" + std::to_string(k)));
    }
    std::set<std::tuple<std::string, std::string, std::string, std::string>> keys;
    int nprops = pick(0, 12);
    for (int k = 0; k < nprops; ++k) {
      PropRecord p = prop(s);
      if (p.name.empty()) continue;
      if (keys.emplace(p.protocol, p.ifname, p.aobjname, p.name).second) s.props.push_back(p);
    }
    return s;
  }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool coin() { return pick(0, 1) == 1; }
  std::string one_of(std::initializer_list<const char*> v) {
    auto it = v.begin();
    std::advance(it, pick(0, static_cast<int>(v.size()) - 1));
    return *it;
  }

  std::string text(int max) {
    static const std::vector<std::string> kSafe = {"a", "b", "c", "X", "Z", "0", "1", "9", " ", "=",
                                                   ",", ".", "/", ":", "-", "_", "#", "+", "@", "*"};
    static const std::vector<std::string> kAny = {"a",  "b",  ";", "\n", "\r", "\t", "\"", "\\",
                                                  "{",  "}",  "[", "]",   ",",   "=",   " ",  "\x01",
                                                  "/", "\xc3\xa9", "\xe2\x82\xac"};
    const auto& alphabet = safe_ ? kSafe : kAny;
    std::string s;
    int n = pick(0, max);
    for (int i = 0; i < n; ++i) s += alphabet[static_cast<size_t>(pick(0, static_cast<int>(alphabet.size()) - 1))];
    return s;
  }

  AddrRecord addr(const std::string& ifname, const std::string& user) {
    AddrRecord r;
    r.ifname = ifname;
    r.aobjname = ifname + "/" + user;
    r.up = coin();
    switch (pick(0, 2)) {
      case 0: {
        r.atype = AddrType::Static;
        r.family = coin() ? AF_INET : AF_INET6;
        bool v4 = r.family == AF_INET;
        r.local = pick(0, 3) == 0 ? one_of({"myhost", "web-01.example.com", "h"})
                                  : v4 ? "192.168." + std::to_string(pick(0, 255)) + ".1"
                                       : "2001:db8::" + std::to_string(pick(1, 9999));
        if (coin()) r.remote = v4 ? "10.1.1.2" : "fe80::2";
        r.prefixlen = coin() ? -1 : pick(1, v4 ? 32 : 128);
        break;
      }
      case 1:
        r.atype = AddrType::Dhcp;
        r.family = AF_INET;
        r.extra = one_of({"-1,no", "-2,yes", "30,no", "", "10"});
        r.prefixlen = pick(0, 3) == 0 ? pick(1, 32) : -1;
        break;
      default:
        r.atype = AddrType::Addrconf;
        r.family = AF_INET6;
        r.extra = one_of({"::/0,yes,yes", "::1:2/64,no,yes", "", "::a/0,yes,no"});
        break;
    }
    if (!safe_ && r.atype == AddrType::Static && coin()) r.local += text(3);
    return r;
  }

  PropRecord prop(const ConfSnapshot& s) {
    PropRecord p;
    p.value = text(safe_ ? 20 : 8);
    int kind = pick(0, 2);
    if (kind == 1 && !s.ifs.empty()) {
      p.protocol = coin() ? "ipv4" : "ipv6";
      p.ifname = s.ifs[static_cast<size_t>(pick(0, static_cast<int>(s.ifs.size()) - 1))].ifname;
      p.name = one_of({"mtu", "arp", "forwarding", "metric", "_priv", "__two"});
    } else if (kind == 2 && !s.addrs.empty()) {
      const auto& a = s.addrs[static_cast<size_t>(pick(0, static_cast<int>(s.addrs.size()) - 1))];
      p.aobjname = a.aobjname;
      p.ifname = a.ifname;
      p.name = one_of({"deprecated", "private", "transmit", "reqhost", "zone", "_x"});
    } else {
      p.protocol = one_of({"ip", "ipv4", "ipv6", "tcp", "udp", "sctp", "icmp"});
      // tcp_foo and ip_foo look like version-0 names: the version marker of
      // the writer must keep them as they are.
      p.name = one_of({"ttl", "hoplimit", "_cwnd_max", "extra_priv_ports", "__x", "tcp_foo", "ip_foo",
                       "smallest_anon_port", "hostmodel"});
    }
    return p;
  }

  std::mt19937 rng_;
  bool safe_;
};

}  // namespace ipadm::store::testing
