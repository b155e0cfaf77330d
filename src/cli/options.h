// Command-line parsing for the ipadm subcommands: pure functions, no I/O.
//
// parse_options() wraps getopt_long(3) (short and long options, bundled
// flags, permuted operands) and reports errors as the illumos CLI words
// them. The other parsers turn one option argument into a value or a
// user-facing message (printed by the caller after "ipadm: "). getopt_long
// keeps global state, so parse_options() is not thread-safe; everything else
// is.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ipadm::cli {

// A parsed value, or the message explaining why the input was refused.
template <typename T>
struct Parsed {
  std::optional<T> value;
  std::string error;

  Parsed(T v) : value(std::move(v)) {}
  static Parsed fail(std::string msg) {
    Parsed p;
    p.error = std::move(msg);
    return p;
  }
  explicit operator bool() const { return value.has_value(); }
  T& operator*() { return *value; }
  const T& operator*() const { return *value; }
  T* operator->() { return &*value; }
  const T* operator->() const { return &*value; }

 private:
  Parsed() = default;
};

// One option a subcommand accepts: -c, --long_name, with or without a value.
struct OptDef {
  char short_name;
  const char* long_name;  // nullptr: no long form
  bool has_arg;
};

struct ParsedArgs {
  std::vector<std::pair<char, std::string>> opts;  // in command-line order
  std::vector<std::string> operands;
  bool json = false;  // --json was given

  bool has(char c) const { return count(c) > 0; }
  int count(char c) const;
  std::string value(char c) const;  // the last value of -c ("" if absent)
  std::vector<std::string> values(char c) const;
};

// Parses argv[1..argc) of one subcommand (argv[0] is its name). json_ok adds
// --json. On error returns "unrecognized option '-X'" or
// "option '-X' requires a value" (the caller appends the usage line).
Parsed<ParsedArgs> parse_options(int argc, char* const* argv, std::span<const OptDef> defs,
                                 bool json_ok);

// Splits "a,b,,c" into {"a","b","c"} (empty items dropped).
std::vector<std::string> split_list(std::string_view s, char sep = ',');

// create-addr -a: "[local=]ADDR[/PLEN][,remote=ADDR]".
struct AddrArg {
  std::string local;
  std::string remote;
};
Parsed<AddrArg> parse_addr_arg(std::string_view arg);

// set-*prop -p "NAME=VALUE"; with allow_op (set-prop only) also "NAME+=VALUE"
// (op 1, append) and "NAME-=VALUE" (op 2, remove).
struct PropArg {
  std::string name;
  std::string value;
  int op = 0;
};
Parsed<PropArg> parse_prop_set(std::string_view arg, bool allow_op);
// reset-*prop -p "NAME" (no '=').
Parsed<std::string> parse_prop_reset(std::string_view arg);

// Protocol operand or -m value: ip ipv4 ipv6 icmp tcp udp sctp; arp -> ip.
Parsed<std::string> parse_protocol(std::string_view name);

// create-addr -w: "forever" (-1) or a non-negative number of seconds.
Parsed<int64_t> parse_wait(std::string_view arg);

// create-addr -T addrconf -p "stateless=yes|no[,stateful=yes|no]".
struct AddrconfPolicy {
  bool stateless = true;
  bool stateful = true;
};
Parsed<AddrconfPolicy> parse_addrconf_policy(std::string_view arg);

// create-addr -i: "IPV6ADDR/PLEN", PLEN mandatory and at most 128.
bool interface_id_valid(std::string_view arg);
// create-addr -h: DHCP host name rules of spec 3.4.
bool hostname_valid(std::string_view name);

}  // namespace ipadm::cli
