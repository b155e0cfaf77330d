// CliTest: runs run_cli() in-process against a FakeBackend and captures
// stdout, stderr and the exit status.
#pragma once

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/fake_backend.h"

namespace ipadm::cli::test {

class CliTest : public ::testing::Test {
 protected:
  // args exclude the program name.
  int run(std::vector<std::string> args, const std::string& stdin_text = "") {
    args.insert(args.begin(), "ipadm");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::istringstream in(stdin_text);
    std::ostringstream out, err;
    BackendFactory factory = [this](const Paths& p) {
      roots.push_back(p.root);
      return std::make_unique<FakeBackend>(fake);
    };
    int rc = run_cli(static_cast<int>(args.size()), argv.data(), in, out, err, factory);
    this->out = out.str();
    this->err = err.str();
    return rc;
  }

  FakeState fake;
  std::vector<std::string> roots;  // one per backend created
  std::string out;
  std::string err;
};

}  // namespace ipadm::cli::test
