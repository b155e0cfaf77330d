#include "dhcp/dhclient6_agent.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>

#include "dhcp/hook.h"
#include "dhcp/lease6.h"

namespace ipadm::dhcp {
namespace {

// aobjname -> a file name: [A-Za-z0-9._-] kept, every other byte %XX.
std::string file_key(const std::string& aobjname) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : aobjname) {
    if (std::isalnum(c) || c == '.' || c == '_' || c == '-') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

class Dhclient6Driver : public ClientDriver {
 public:
  Dhclient6Driver(std::string dir, std::string client, const Dhclient6Tuning& t)
      : dir_(std::move(dir)),
        client_(client.empty() ? first_executable({"/sbin/dhclient", "/usr/sbin/dhclient"})
                               : std::move(client)),
        t_(t) {}

  std::string_view program() const override { return "dhclient"; }
  const std::string& client_path() const override { return client_; }

  std::string base(const Params& p) const { return dir_ + "/" + file_key(p.aobjname); }

  Status check(const Params& p) const override {
    if (!usable_ifname(p.ifname)) return Status(Errc::InvalidArg, "DHCP client: bad interface name");
    if (dir_.empty() || dir_[0] != '/')
      return Status(Errc::DhcpStartError, "DHCPv6 state directory must be absolute");
    if (mkdir(dir_.c_str(), 0750) != 0 && errno != EEXIST)
      return Status(Errc::DhcpStartError, dir_ + ": " + std::strerror(errno), errno);
    if (access(dir_.c_str(), W_OK | X_OK) != 0)
      return Status(Errc::DhcpStartError, dir_ + ": " + std::strerror(errno), errno);
    return write_conf();
  }

  // Our configuration file, rewritten (atomically) by every start: without
  // one dhclient -6 asks for no option at all.
  Status write_conf() const {
    static const char kConf[] = "request dhcp6.name-servers, dhcp6.domain-search;\n";
    std::string tmp = conf() + ".tmp";
    int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
    if (fd < 0) return Status(Errc::DhcpStartError, tmp + ": " + std::strerror(errno), errno);
    bool ok = write(fd, kConf, sizeof(kConf) - 1) == static_cast<ssize_t>(sizeof(kConf) - 1);
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp.c_str(), conf().c_str()) != 0) {
      int e = errno;
      unlink(tmp.c_str());
      return Status(Errc::DhcpStartError, conf() + ": " + std::strerror(e), e);
    }
    return Status::ok();
  }
  std::string conf() const { return dir_ + "/dhclient6.conf"; }

  std::vector<std::string> common(const std::string& hook, const std::string& pid_file) const {
    return {"dhclient", "-6", "-N", "-d", "-cf", conf(), "-sf", hook,
            "-e", std::string(kHookFdEnv) + "=" + std::to_string(kHookFd),
            "-pf", pid_file};
  }

  std::vector<std::string> run_argv(const Params& p, const std::string& hook) const override {
    auto v = common(hook, base(p) + ".pid");
    for (const std::string& a : {std::string("--dad-wait-time"), std::to_string(t_.dad_wait_s),
                                 std::string("-lf"), base(p) + ".leases", p.ifname})
      v.push_back(a);
    return v;
  }

  std::vector<std::string> release_argv(const Params& p, const std::string& hook) const override {
    unlink((base(p) + ".rpid").c_str());  // never exists: the releaser kills nothing
    auto v = common(hook, base(p) + ".rpid");
    for (const std::string& a : {std::string("-r"), std::string("-lf"), base(p) + ".leases",
                                 p.ifname})
      v.push_back(a);
    return v;
  }

  uint64_t ambient_caps() const override { return 1ull << CAP_NET_BIND_SERVICE; }
  int release_signal() const override { return 0; }
  int renew_signal() const override { return 0; }
  bool dropped(std::string_view event, bool first) const override {
    return event == "preinit6" || event == "depref6";
  }
  Result<Event> translate(const HookMessage& m, const std::string& aobjname) const override {
    return event_from_dhclient(m, aobjname, static_cast<int64_t>(std::time(nullptr)));
  }
  // SIGTERM leaves dhclient's pid file behind.
  void after_exit(const Params& p) const override { unlink((base(p) + ".pid").c_str()); }

 private:
  std::string dir_, client_;
  Dhclient6Tuning t_;
};

}  // namespace

Dhclient6Agent::Dhclient6Agent(EventSink sink, std::string state_dir, std::string hook_path,
                               std::string client_path, Dhclient6Tuning tuning)
    : SupervisedAgent(std::move(sink), std::move(hook_path),
                      std::make_unique<Dhclient6Driver>(std::move(state_dir),
                                                        std::move(client_path), tuning),
                      tuning) {}

std::string Dhclient6Agent::lease_file(const std::string& aobjname) const {
  return static_cast<const Dhclient6Driver&>(driver()).base(Params{aobjname, {}, {}, {}}) +
         ".leases";
}

std::string Dhclient6Agent::pid_file(const std::string& aobjname) const {
  return static_cast<const Dhclient6Driver&>(driver()).base(Params{aobjname, {}, {}, {}}) +
         ".pid";
}

}  // namespace ipadm::dhcp
