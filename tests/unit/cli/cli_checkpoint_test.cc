// ipadm checkpoint / commit / rollback / show-checkpoint against FakeBackend.
#include <cstdlib>

#include "cli/cli_fixture.h"

namespace ipadm::cli::test {
namespace {

class CliCheckpointTest : public CliTest {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
  }
};

TEST_F(CliCheckpointTest, CheckpointSendsSecondsAndSaysWhenItExpires) {
  fake.call_reply.mutable_checkpoint()->set_deadline(3723);  // 01:02:03 UTC
  EXPECT_EQ(run({"checkpoint", "-t", "45"}), 0);
  EXPECT_EQ(fake.last_call.checkpoint().seconds(), 45u);
  EXPECT_EQ(out, "");
  EXPECT_NE(err.find("an uncommitted change will be undone at 01:02:03"), std::string::npos)
      << err;
  EXPECT_EQ(run({"checkpoint"}), 0);
  EXPECT_TRUE(fake.last_call.has_checkpoint());
  EXPECT_EQ(fake.last_call.checkpoint().seconds(), 0u);  // the daemon's default
}

TEST_F(CliCheckpointTest, BadTimeoutIsRefusedWithoutAsking) {
  for (const char* t : {"0", "-5", "abc", "12s", "", "99999999999"}) {
    EXPECT_EQ(run({"checkpoint", "-t", t}), 1) << t;
    EXPECT_NE(err.find("invalid timeout"), std::string::npos) << err;
  }
  EXPECT_TRUE(fake.calls.empty());
}

TEST_F(CliCheckpointTest, CommitAndRollbackReportTheDaemonsRefusal) {
  fake.status = Status(Errc::NotFound, "no checkpoint is pending");
  EXPECT_EQ(run({"commit"}), 1);
  EXPECT_EQ(err, "ipadm: Could not commit: Object not found\n"
                 "ipadm: detail: no checkpoint is pending\n");
  EXPECT_TRUE(fake.last_call.has_commit());
  EXPECT_EQ(run({"rollback"}), 1);
  EXPECT_TRUE(fake.last_call.has_rollback());
  fake.status = Status::ok();
  EXPECT_EQ(run({"rollback"}), 0);
  EXPECT_EQ(run({"commit", "x"}), 1);
}

TEST_F(CliCheckpointTest, ShowCheckpoint) {
  EXPECT_EQ(run({"show-checkpoint", "-p", "-o", "state"}), 0);
  EXPECT_EQ(out, "");  // none pending
  auto* c = fake.call_reply.mutable_show_checkpoint();
  c->set_pending(true);
  c->set_started(3600);
  c->set_deadline(3720);
  c->set_left(100);
  EXPECT_EQ(run({"show-checkpoint", "-p", "-o", "state,expires,left"}), 0);
  EXPECT_EQ(out, "pending:01\\:02\\:00:100\n");
  EXPECT_EQ(run({"show-checkpoint", "--json"}), 0);
  EXPECT_NE(out.find("\"deadline\": 3720"), std::string::npos) << out;
}

}  // namespace
}  // namespace ipadm::cli::test
