// ipadm wait-online: options, polling until ready, the timeout report, and
// the errors for unknown names (FakeBackend answers the snapshots).
#include <chrono>

#include "cli/cli_fixture.h"

namespace ipadm::cli::test {
namespace {

rpc::WaitOnlineReply snapshot(std::vector<std::tuple<std::string, bool, std::string>> objs) {
  rpc::WaitOnlineReply r;
  for (auto& [name, ready, why] : objs) {
    auto* o = r.add_objs();
    o->set_name(name);
    o->set_kind(name.find('/') == std::string::npos ? "if" : "addr");
    o->set_ready(ready);
    o->set_reason(why);
  }
  return r;
}

size_t polls(const FakeState& s) {
  size_t n = 0;
  for (auto& c : s.calls) n += c == "wait_online";
  return n;
}

TEST_F(CliTest, WaitOnlineReturnsAtOnceWhenReady) {
  fake.online_replies = {snapshot({{"net0", true, ""}, {"net0/v4", true, ""}})};
  EXPECT_EQ(run({"wait-online"}), 0);
  EXPECT_EQ(polls(fake), 1u);
  EXPECT_EQ(out, "");
  EXPECT_EQ(err, "");
  EXPECT_TRUE(fake.last_online_names.empty());
}

TEST_F(CliTest, WaitOnlinePollsUntilReady) {
  auto pending = snapshot({{"net0/v6", false, "tentative"}});
  fake.online_replies = {pending, pending, snapshot({{"net0/v6", true, ""}})};
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(run({"wait-online", "-t", "10", "net0/v6"}), 0) << err;
  EXPECT_EQ(polls(fake), 3u);
  EXPECT_EQ(err, "");
  EXPECT_EQ(fake.last_online_names, std::vector<std::string>{"net0/v6"});
  // Two pauses between three polls: not a busy loop, not the whole timeout.
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(ms, 300);
  EXPECT_LT(ms, 5000);
}

TEST_F(CliTest, WaitOnlineTimesOutNamingWhatIsNotReady) {
  fake.online_replies = {snapshot({{"net0", true, ""},
                                   {"net0/dhcp", false, "no DHCP lease"},
                                   {"net0/v6", false, "tentative"}})};
  EXPECT_EQ(run({"wait-online", "-t", "0"}), 1);
  EXPECT_EQ(polls(fake), 1u);
  EXPECT_EQ(err,
            "ipadm: net0/dhcp: not online (no DHCP lease)\n"
            "ipadm: net0/v6: not online (tentative)\n"
            "ipadm: timed out after 0 second(s): 2 of 3 object(s) not online\n");
  fake.calls.clear();
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(run({"wait-online", "--timeout=1"}), 1);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(ms, 1000);
  EXPECT_LT(ms, 3000);
  EXPECT_GE(polls(fake), 3u);
}

TEST_F(CliTest, WaitOnlineUnknownNames) {
  fake.online_status = Status(Errc::NotFound, "net0/nope");
  EXPECT_EQ(run({"wait-online", "net0/nope"}), 1);
  EXPECT_EQ(err, "ipadm: Could not wait for net0/nope: Object not found\n");
  fake.online_status = Status(Errc::Enxio, "nosuch0");
  EXPECT_EQ(run({"wait-online", "nosuch0"}), 1);
  EXPECT_EQ(err, "ipadm: Could not wait for nosuch0: Interface does not exist\n");
  fake.online_status = Status(Errc::IpcError);
  EXPECT_EQ(run({"wait-online"}), 1);
  EXPECT_EQ(err, "ipadm: Could not wait for network-online: Could not communicate with ipmgmtd\n");
}

TEST_F(CliTest, WaitOnlineBadTimeoutChangesNothing) {
  for (const char* t : {"-1", "abc", "5s", "", "86401", "99999999999999999999"}) {
    EXPECT_EQ(run({"wait-online", "-t", t}), 1) << t;
    EXPECT_EQ(err, std::string("ipadm: invalid timeout value '") + t + "'\n");
  }
  EXPECT_EQ(polls(fake), 0u);
  EXPECT_TRUE(roots.empty());
  EXPECT_EQ(run({"wait-online", "-x"}), 1);
  EXPECT_TRUE(err.find("usage: wait-online [-t <seconds>]") != std::string::npos) << err;
}

}  // namespace
}  // namespace ipadm::cli::test
