// The sinks (file, resolvconf, resolved), choose_sink and resolv.conf text.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "dns/choose_sink.h"
#include "dns/file_sink.h"
#include "dns/resolv_conf.h"
#include "dns/values.h"
#include "store/temp_dir.h"

namespace ipadm::dns {
namespace {

using store::testing::TempDir;

using testing::dns;
using testing::ip;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string body_of(const std::string& text) {  // without the comment lines
  std::string out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') out += line + "\n";
  return out;
}

TEST(ResolvConf, FormatsLinksInOrderWithScopes) {
  std::map<std::string, LinkDns> links = {
      {"net1", dns({"198.51.100.1", "fe80::1"}, {"b.test"})},
      {"net0", dns({"192.0.2.1", "198.51.100.1"}, {"a.test", "b.test"})}};
  std::string text = format_resolv_conf(links);
  EXPECT_EQ(text.rfind("# ", 0), 0u);
  EXPECT_EQ(body_of(text),
            "nameserver 192.0.2.1\n"
            "nameserver 198.51.100.1\n"
            "nameserver fe80::1%net1\n"
            "search a.test b.test\n");
  EXPECT_EQ(body_of(format_resolv_conf({})), "");
  EXPECT_EQ(format_link_conf("net0", dns({"2001:db8::53"}, {})), "nameserver 2001:db8::53\n");
}

TEST(FileSink, WritesTheWholeFileAtomically) {
  TempDir dir;
  const std::string path = dir.file("resolv.conf");
  FileSink sink(path);
  ASSERT_TRUE(sink.apply("net0", 2, dns({"192.0.2.1"}, {"a.test"})));
  ASSERT_TRUE(sink.apply("net1", 3, dns({"198.51.100.1"}, {})));
  EXPECT_EQ(body_of(slurp(path)),
            "nameserver 192.0.2.1\nnameserver 198.51.100.1\nsearch a.test\n");
  struct stat st{};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  EXPECT_NE(::access((path + ".tmp").c_str(), F_OK), 0);  // no leftover
  ASSERT_TRUE(sink.apply("net0", 2, LinkDns{}));
  EXPECT_EQ(body_of(slurp(path)), "nameserver 198.51.100.1\n");
  ASSERT_TRUE(sink.apply("net1", 3, LinkDns{}));
  EXPECT_EQ(body_of(slurp(path)), "");
}

TEST(FileSink, FailureLeavesThePreviousFile) {
  TempDir dir;
  FileSink sink(dir.file("missing-dir/resolv.conf"));
  EXPECT_FALSE(sink.apply("net0", 2, dns({"192.0.2.1"}, {})));
}

struct ExecCall {
  std::vector<std::string> argv;
  std::string input;
};

TEST(ResolvconfSink, AddsAndDeletesOneRecordPerLink) {
  std::vector<ExecCall> calls;
  ResolvconfSink sink("/sbin/resolvconf", [&](const auto& argv, const std::string& input) {
    calls.push_back({argv, input});
    return Status::ok();
  });
  ASSERT_TRUE(sink.apply("net0", 2, dns({"192.0.2.1"}, {"a.test"})));
  ASSERT_TRUE(sink.apply("net0", 2, LinkDns{}));
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].argv, (std::vector<std::string>{"/sbin/resolvconf", "-a", "net0.ipadm"}));
  EXPECT_EQ(calls[0].input, "nameserver 192.0.2.1\nsearch a.test\n");
  EXPECT_EQ(calls[1].argv,
            (std::vector<std::string>{"/sbin/resolvconf", "-d", "net0.ipadm", "-f"}));
}

TEST(ResolvconfSink, ProgramFailureIsReturned) {
  ResolvconfSink sink("/bin/false", run_program);
  Status s = sink.apply("net0", 2, dns({"192.0.2.1"}, {}));
  EXPECT_FALSE(s);
  EXPECT_NE(s.detail().find("exit status 1"), std::string::npos) << s.to_string();
}

TEST(RunProgram, FeedsStdin) {
  TempDir dir;
  const std::string out = dir.file("out");
  ASSERT_TRUE(run_program({"/bin/sh", "-c", "cat > " + out}, "nameserver 192.0.2.1\n"));
  EXPECT_EQ(slurp(out), "nameserver 192.0.2.1\n");
}

class FakeBus : public ResolvedBus {
 public:
  bool up = true;
  std::vector<std::string> calls;
  Status fail;
  bool present() override { return up; }
  Status set_link_dns(int ifindex, const std::vector<IpAddr>& servers) override {
    std::string c = "dns " + std::to_string(ifindex);
    for (const auto& a : servers) c += " " + a.to_string();
    calls.push_back(c);
    return fail;
  }
  Status set_link_domains(int ifindex, const std::vector<std::string>& domains) override {
    std::string c = "domains " + std::to_string(ifindex);
    for (const auto& d : domains) c += " " + d;
    calls.push_back(c);
    return Status::ok();
  }
  Status revert_link(int ifindex) override {
    calls.push_back("revert " + std::to_string(ifindex));
    return Status::ok();
  }
};

TEST(ResolvedSink, SetsServersThenDomainsRevertsWhenEmpty) {
  auto bus = std::make_unique<FakeBus>();
  FakeBus* b = bus.get();
  ResolvedSink sink(std::move(bus));
  ASSERT_TRUE(sink.apply("net0", 7, dns({"192.0.2.1", "2001:db8::53"}, {"a.test"})));
  ASSERT_TRUE(sink.apply("net0", 7, LinkDns{}));
  EXPECT_EQ(b->calls, (std::vector<std::string>{"dns 7 192.0.2.1 2001:db8::53",
                                                "domains 7 a.test", "revert 7"}));
  EXPECT_FALSE(sink.apply("net0", 0, dns({"192.0.2.1"}, {})));  // no ifindex
  b->fail = Status(Errc::Failure, "access denied");
  EXPECT_FALSE(sink.apply("net0", 7, dns({"192.0.2.1"}, {})));
}

SinkProbes probes(bool resolved, std::string resolvconf, int* bus_opened) {
  SinkProbes p;
  p.bus = [=]() -> std::unique_ptr<ResolvedBus> {
    ++*bus_opened;
    auto b = std::make_unique<FakeBus>();
    b->up = resolved;
    return b;
  };
  p.resolvconf = [=] { return resolvconf; };
  p.exec = [](const auto&, const std::string&) { return Status::ok(); };
  return p;
}

TEST(ChooseSink, ResolvedThenResolvconfThenFile) {
  int opened = 0;
  EXPECT_EQ(choose_sink("", probes(true, "/sbin/resolvconf", &opened))->name(),
            "systemd-resolved");
  EXPECT_EQ(choose_sink("", probes(false, "/sbin/resolvconf", &opened))->name(), "resolvconf");
  EXPECT_EQ(choose_sink("", probes(false, "", &opened))->name(), "/run/ipadm/resolv.conf");
  EXPECT_EQ(opened, 3);
}

TEST(ChooseSink, RootPrefixAlwaysWritesItsOwnFile) {
  int opened = 0;
  EXPECT_EQ(choose_sink("/tmp/x", probes(true, "/sbin/resolvconf", &opened))->name(),
            "/tmp/x/run/ipadm/resolv.conf");
  EXPECT_EQ(opened, 0);  // the host's bus is not even asked
}

}  // namespace
}  // namespace ipadm::dns
