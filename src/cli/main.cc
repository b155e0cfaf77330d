// ipadm(8): the command-line front end of ipmgmtd. All logic is in
// run_cli() (commands.cc); main only wires it to the real streams and to
// libipadm.
#include <iostream>

#include "cli/backend.h"
#include "cli/commands.h"

int main(int argc, char** argv) {
  using namespace ipadm;
  return cli::run_cli(argc, argv, std::cin, std::cout, std::cerr,
                      [](const Paths& p) { return cli::make_client_backend(p); });
}
