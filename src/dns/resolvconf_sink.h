// ResolvconfSink: learned DNS through resolvconf(8) (Debian's resolvconf or
// openresolv), one record per link named "IF.ipadm":
//   changed:  resolvconf -a IF.ipadm   with the link's lines on stdin
//             (format_link_conf)
//   empty:    resolvconf -d IF.ipadm -f (-f: no error if it is not there)
// The program runs through an Exec (fake in unit tests; run_program for
// real: no shell, environment only PATH, waited for up to 10 s).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "dns/sink.h"

namespace ipadm::dns {

// Runs argv[0] (absolute path) with argv, input on its standard input;
// ok if it exited 0, else Failure naming the program and its exit.
using Exec = std::function<Status(const std::vector<std::string>& argv, const std::string& input)>;
Status run_program(const std::vector<std::string>& argv, const std::string& input);

class ResolvconfSink : public Sink {
 public:
  ResolvconfSink(std::string program, Exec exec)
      : program_(std::move(program)), exec_(std::move(exec)) {}
  Status apply(const std::string& ifname, int ifindex, const LinkDns& d) override;
  std::string name() const override { return "resolvconf"; }

 private:
  std::string program_;
  Exec exec_;
};

}  // namespace ipadm::dns
