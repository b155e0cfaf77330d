// FileSink: ipmgmtd writes the resolv.conf of every link's learned DNS to
// one file (<root>/run/ipadm/resolv.conf), replaced atomically (a temporary
// file in the same directory, fsync, rename), mode 0644. /etc/resolv.conf may
// be a symbolic link to it (ipmgmtd(8), "NAME RESOLUTION"). With nothing
// learned the file holds only its comment header.
#pragma once

#include <map>
#include <string>

#include "dns/sink.h"

namespace ipadm::dns {

// Writes text to path atomically (as above). Status with errno on failure;
// the previous file is then untouched.
Status write_file_atomic(const std::string& path, const std::string& text);

class FileSink : public Sink {
 public:
  explicit FileSink(std::string path) : path_(std::move(path)) {}
  Status apply(const std::string& ifname, int ifindex, const LinkDns& d) override;
  std::string name() const override { return path_; }

 private:
  std::string path_;
  std::map<std::string, LinkDns> links_;
};

}  // namespace ipadm::dns
