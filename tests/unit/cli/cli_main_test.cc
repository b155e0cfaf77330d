// run_cli(): global options, usage, dispatch, error reporting.
#include <cstdlib>

#include "cli/cli_fixture.h"

namespace ipadm::cli::test {
namespace {

TEST_F(CliTest, HelpPrintsFullUsageToStdout) {
  for (const char* h : {"help", "-h", "--help", "-?"}) {
    EXPECT_EQ(run({h}), 0) << h;
    EXPECT_EQ(out, full_usage()) << h;
    EXPECT_EQ(err, "");
  }
  EXPECT_TRUE(roots.empty());  // never contacted the daemon
}

TEST_F(CliTest, UsageFormat) {
  std::string u = full_usage();
  EXPECT_TRUE(u.starts_with("usage:  ipadm <subcommand> <args> ...\n\tcreate-if [-t] <interface>\n"));
  for (const Command& c : commands()) {
    EXPECT_NE(u.find("\t" + std::string(c.usage) + "\n"), std::string::npos) << c.name;
    EXPECT_TRUE(c.usage.starts_with(c.name)) << c.name;
  }
}

TEST_F(CliTest, EveryTableEntryIsDispatchable) {
  for (const Command& c : commands()) {
    EXPECT_EQ(find_command(c.name), &c);
    EXPECT_NE(c.handler, nullptr);
  }
  EXPECT_EQ(find_command("bogus"), nullptr);
}

TEST_F(CliTest, UnknownSubcommand) {
  EXPECT_EQ(run({"frobnicate"}), 1);
  EXPECT_EQ(out, "");
  EXPECT_EQ(err, "ipadm: unknown subcommand 'frobnicate'\n" + full_usage());
}

TEST_F(CliTest, UnknownGlobalOption) {
  EXPECT_EQ(run({"-x", "show-if"}), 1);
  EXPECT_TRUE(err.starts_with("ipadm: unrecognized option '-x'\n"));
}

TEST_F(CliTest, BareIpadmIsShowAddr) {
  EXPECT_EQ(run({}), 0);
  EXPECT_EQ(fake.calls, std::vector<std::string>{"show_addr |"});
  EXPECT_EQ(out, "ADDROBJ           TYPE     STATE        ADDR\n");
}

TEST_F(CliTest, RootOption) {
  EXPECT_EQ(run({"-R", "/tmp/r1/", "show-if"}), 0);
  EXPECT_EQ(run({"-R/tmp/r2", "show-if"}), 0);
  EXPECT_EQ(run({"--root=/tmp/r3", "show-if"}), 0);
  EXPECT_EQ(roots, (std::vector<std::string>{"/tmp/r1", "/tmp/r2", "/tmp/r3"}));
  EXPECT_EQ(run({"-R"}), 1);
  EXPECT_TRUE(err.starts_with("ipadm: option '-R' requires a value\n"));
}

TEST_F(CliTest, RootFromEnvironment) {
  ::setenv("IPADM_ROOT", "/tmp/envroot", 1);
  EXPECT_EQ(run({"show-if"}), 0);
  EXPECT_EQ(run({"-R", "/tmp/cli", "show-if"}), 0);
  ::unsetenv("IPADM_ROOT");
  EXPECT_EQ(roots, (std::vector<std::string>{"/tmp/envroot", "/tmp/cli"}));
}

TEST_F(CliTest, BadOptionPrintsSubcommandUsage) {
  EXPECT_EQ(run({"create-if", "-X", "net0"}), 1);
  EXPECT_EQ(err, "ipadm: unrecognized option '-X'\nusage: create-if [-t] <interface>\n");
  EXPECT_TRUE(fake.calls.empty());
  EXPECT_EQ(run({"show-if", "-o"}), 1);
  EXPECT_TRUE(err.starts_with("ipadm: option '-o' requires a value\nusage: show-if"));
}

TEST_F(CliTest, WrongOperandCount) {
  EXPECT_EQ(run({"create-if"}), 1);
  EXPECT_EQ(err, "ipadm: usage: create-if [-t] <interface>\n");
  EXPECT_EQ(run({"delete-if", "a", "b"}), 1);
  EXPECT_EQ(err, "ipadm: usage: delete-if <interface>\n");
  EXPECT_TRUE(roots.empty());
}

TEST_F(CliTest, ErrorsGoToStderrOnly) {
  fake.status = Status(Errc::IfExists);
  EXPECT_EQ(run({"create-if", "net0"}), 1);
  EXPECT_EQ(out, "");
  EXPECT_EQ(err, "ipadm: Could not create net0 : Interface already exists\n");
}

TEST_F(CliTest, JsonRejectedOutsideShow) {
  EXPECT_EQ(run({"create-if", "--json", "net0"}), 1);
  EXPECT_TRUE(err.starts_with("ipadm: unrecognized option '--json'\n"));
}

}  // namespace
}  // namespace ipadm::cli::test
