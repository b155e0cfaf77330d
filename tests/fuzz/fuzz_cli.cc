// Fuzz target: the CLI option parser (src/cli/options.cc) and the
// subcommands that use it, through run_cli() against the unit tests'
// FakeBackend (no daemon, no I/O besides reading an import file).
//
// Input: the arguments after "ipadm", separated by NUL bytes (at most 32),
// so the fuzzer builds command lines; the first argument is also given to
// each standalone option-value parser. Arguments naming /dev, /proc or /sys
// are skipped (an import of /dev/zero reads forever, as it would for a user).
// Oracle: no crash or sanitizer report; the exit status is 0 or 1; a failure
// says why on stderr with the "ipadm: " prefix.
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/fake_backend.h"
#include "cli/options.h"
#include "fuzz_check.h"

using namespace ipadm::cli;

namespace {

void fill(test::FakeState& st) {
  auto* i = st.if_reply.add_ifs();
  i->set_ifname("net0");
  i->set_state("ok");
  i->set_current("bm--------46");
  i->set_persistent("-46");
  i->set_ifindex(2);
  auto* a = st.addr_reply.add_addrs();
  a->set_aobjname("net0/v4");
  a->set_ifname("net0");
  a->set_type("static");
  a->set_state("ok");
  a->set_current("U----");
  a->set_persistent("U--");
  a->set_addr("192.0.2.1/24");
  a->set_family(4);
  a->set_prefixlen(24);
  a->set_local("192.0.2.1");
  auto* p = st.prop_reply.add_props();
  p->set_object("net0");
  p->set_protocol("ipv4");
  p->set_name("mtu");
  p->set_perm("rw");
  p->set_current("1500");
  p->set_default_value("1500");
  p->set_possible("68-9000");
  st.export_text = "# ipadm.conf version=1\n_ifname=net0;_family=2;\n";
}

void value_parsers(const std::string& s) {
  (void)split_list(s);
  (void)parse_addr_arg(s);
  (void)parse_prop_set(s, true);
  (void)parse_prop_set(s, false);
  (void)parse_prop_reset(s);
  (void)parse_protocol(s);
  (void)parse_wait(s);
  (void)parse_addrconf_policy(s);
  (void)interface_id_valid(s);
  (void)hostname_valid(s);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  std::vector<std::string> args{"ipadm"};
  std::string cur;
  for (size_t k = 0; k <= size; ++k) {
    if (k == size || data[k] == '\0') {
      args.push_back(cur);
      cur.clear();
      if (args.size() > 33) return 0;
    } else {
      cur += static_cast<char>(data[k]);
    }
  }
  for (const auto& a : args)
    if (a.find("/dev") != std::string::npos || a.find("/proc") != std::string::npos ||
        a.find("/sys") != std::string::npos)
      return 0;
  if (args.size() > 1) value_parsers(args[1]);

  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  test::FakeState st;
  fill(st);
  BackendFactory factory = [&st](const ipadm::Paths&) {
    return std::make_unique<test::FakeBackend>(st);
  };
  std::istringstream in("");
  std::ostringstream out, err;
  int rc = run_cli(static_cast<int>(args.size()), argv.data(), in, out, err, factory);
  FUZZ_CHECK(rc == 0 || rc == 1);
  if (rc == 1) FUZZ_CHECK(err.str().rfind("ipadm: ", 0) == 0);
  return 0;
}
