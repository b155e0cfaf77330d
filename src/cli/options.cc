#include "cli/options.h"

#include <getopt.h>

#include <cstring>

#include "common/addr_extra.h"

namespace ipadm::cli {

namespace {
constexpr int kJsonVal = 0x100;  // getopt_long value of --json

// The option text to quote in an error message: "--name" as typed for a long
// option, "-c" for a short one.
std::string offending(char* const* argv, int idx, int opt) {
  if (idx > 0 && argv[idx - 1] && std::strncmp(argv[idx - 1], "--", 2) == 0) {
    std::string s = argv[idx - 1];
    return s.substr(0, s.find('='));
  }
  return std::string("-") + static_cast<char>(opt);
}
}  // namespace

int ParsedArgs::count(char c) const {
  int n = 0;
  for (const auto& [k, v] : opts) n += (k == c);
  return n;
}

std::string ParsedArgs::value(char c) const {
  std::string last;
  for (const auto& [k, v] : opts)
    if (k == c) last = v;
  return last;
}

std::vector<std::string> ParsedArgs::values(char c) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : opts)
    if (k == c) out.push_back(v);
  return out;
}

Parsed<ParsedArgs> parse_options(int argc, char* const* argv, std::span<const OptDef> defs,
                                 bool json_ok) {
  std::string shortopts = ":";
  std::vector<option> longopts;
  for (const OptDef& d : defs) {
    shortopts += d.short_name;
    if (d.has_arg) shortopts += ':';
    if (d.long_name)
      longopts.push_back({d.long_name, d.has_arg ? required_argument : no_argument, nullptr,
                          static_cast<unsigned char>(d.short_name)});
  }
  if (json_ok) longopts.push_back({"json", no_argument, nullptr, kJsonVal});
  longopts.push_back({nullptr, 0, nullptr, 0});

  // getopt_long permutes its argv; work on a copy.
  std::vector<char*> av(argv, argv + argc);
  av.push_back(nullptr);
  ParsedArgs out;
  optind = 0;  // full re-initialisation (glibc)
  opterr = 0;
  int c;
  while ((c = getopt_long(argc, av.data(), shortopts.c_str(), longopts.data(), nullptr)) != -1) {
    if (c == ':')
      return Parsed<ParsedArgs>::fail("option '" + offending(av.data(), optind, optopt) +
                                      "' requires a value");
    if (c == '?') {
      if (optopt == 0 || optopt == kJsonVal)
        return Parsed<ParsedArgs>::fail("unrecognized option '" +
                                        offending(av.data(), optind, '?') + "'");
      return Parsed<ParsedArgs>::fail("unrecognized option '-" +
                                      std::string(1, static_cast<char>(optopt)) + "'");
    }
    if (c == kJsonVal) {
      out.json = true;
      continue;
    }
    out.opts.emplace_back(static_cast<char>(c), optarg ? optarg : "");
  }
  for (int i = optind; i < argc; i++) out.operands.emplace_back(av[i]);
  return out;
}

std::vector<std::string> split_list(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    if (end > start) out.emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Parsed<AddrArg> parse_addr_arg(std::string_view arg) {
  constexpr const char* kBad = "Invalid address provided";
  AddrArg a;
  bool have_local = false, have_remote = false;
  // Like getsubopt(3): items separated by ',', each "name=value" or a bare
  // token; one bare token is the local address.
  size_t start = 0;
  while (start < arg.size()) {
    size_t end = arg.find(',', start);
    if (end == std::string_view::npos) end = arg.size();
    std::string_view item = arg.substr(start, end - start);
    start = end + 1;
    std::string_view val;
    bool* seen = nullptr;
    std::string* slot = nullptr;
    if (item.starts_with("local=")) {
      val = item.substr(6), seen = &have_local, slot = &a.local;
    } else if (item.starts_with("remote=")) {
      val = item.substr(7), seen = &have_remote, slot = &a.remote;
    } else {
      val = item, seen = &have_local, slot = &a.local;
    }
    if (*seen || val.empty()) return Parsed<AddrArg>::fail(kBad);
    *seen = true;
    *slot = std::string(val);
  }
  if (!have_local && !have_remote) return Parsed<AddrArg>::fail(kBad);
  if (!have_local) return Parsed<AddrArg>::fail("Missing local address");
  return a;
}

Parsed<PropArg> parse_prop_set(std::string_view arg, bool allow_op) {
  size_t eq = arg.find('=');
  if (eq == std::string_view::npos || eq + 1 == arg.size())
    return Parsed<PropArg>::fail("please specify the value to be set.");
  if (arg.find('=', eq + 1) != std::string_view::npos)
    return Parsed<PropArg>::fail("cannot specify more than one prop=val at a time.");
  if (allow_op && eq == 0) return Parsed<PropArg>::fail("Invalid prop=val specified");
  PropArg p;
  p.name = std::string(arg.substr(0, eq));
  p.value = std::string(arg.substr(eq + 1));
  if (allow_op && !p.name.empty() && (p.name.back() == '+' || p.name.back() == '-')) {
    p.op = p.name.back() == '+' ? 1 : 2;
    p.name.pop_back();
  }
  return p;
}

Parsed<std::string> parse_prop_reset(std::string_view arg) {
  if (arg.find('=') != std::string_view::npos || arg.empty())
    return Parsed<std::string>::fail("incorrect syntax used for -p.");
  return std::string(arg);
}

Parsed<std::string> parse_protocol(std::string_view name) {
  static constexpr std::string_view kProtos[] = {"ip", "ipv4", "ipv6", "icmp",
                                                 "tcp", "udp", "sctp"};
  if (name == "arp") return std::string("ip");
  for (auto p : kProtos)
    if (name == p) return std::string(p);
  return Parsed<std::string>::fail("invalid protocol '" + std::string(name) + "' specified");
}

// The dhcp/addrconf option checks are the daemon's own (common/addr_extra.h),
// so the CLI refuses exactly what ipmgmtd would.
Parsed<int64_t> parse_wait(std::string_view arg) {
  auto w = ::ipadm::parse_dhcp_wait(arg);
  if (!w) return Parsed<int64_t>::fail("Invalid argument");
  return int64_t{*w};
}

Parsed<AddrconfPolicy> parse_addrconf_policy(std::string_view arg) {
  AddrconfConf c;
  if (!::ipadm::parse_addrconf_policy(arg, &c)) return Parsed<AddrconfPolicy>::fail("Invalid argument");
  return AddrconfPolicy{c.stateless, c.stateful};
}

bool interface_id_valid(std::string_view arg) { return ::ipadm::parse_interface_id(arg).is_ok(); }

bool hostname_valid(std::string_view n) {
  return !n.empty() && n != " " && ::ipadm::dhcp_hostname_valid(n);
}

}  // namespace ipadm::cli
