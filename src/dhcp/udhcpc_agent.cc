#include "dhcp/udhcpc_agent.h"

#include <linux/capability.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>

namespace ipadm::dhcp {
namespace {

// Option 12 text: a host name (RFC 1123 characters), at most 253 bytes.
bool usable_hostname(const std::string& n) {
  if (n.size() > 253 || n[0] == '-' || n[0] == '.') return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  });
}

class UdhcpcDriver : public ClientDriver {
 public:
  UdhcpcDriver(std::string client, const UdhcpcTuning& t)
      : client_(client.empty() ? first_executable({"/usr/sbin/udhcpc", "/sbin/udhcpc"})
                               : std::move(client)),
        t_(t) {}

  std::string_view program() const override { return "udhcpc"; }
  const std::string& client_path() const override { return client_; }

  Status check(const Params& p) const override {
    if (!usable_ifname(p.ifname)) return Status(Errc::InvalidArg, "DHCP client: bad interface name");
    if (!p.hostname.empty() && !usable_hostname(p.hostname))
      return Status(Errc::InvalidArg, "DHCP client: bad host name");
    return Status::ok();
  }

  std::vector<std::string> run_argv(const Params& p, const std::string& hook) const override {
    std::vector<std::string> v = {"udhcpc", "-f", "-i", p.ifname, "-s", hook,
                                  "-t", std::to_string(t_.discover_count),
                                  "-T", std::to_string(t_.discover_interval_s),
                                  "-A", std::to_string(t_.retry_pause_s)};
    if (p.request && p.request->family == AF_INET) {
      v.push_back("-r");
      v.push_back(p.request->to_string());
    }
    if (!p.hostname.empty()) {
      v.push_back("-x");
      v.push_back("hostname:" + p.hostname);
    }
    // Option 119 (domain search) is not among udhcpc's default requests.
    v.push_back("-O");
    v.push_back("search");
    return v;
  }

  uint64_t ambient_caps() const override {
    return (1ull << CAP_NET_RAW) | (1ull << CAP_NET_BIND_SERVICE);
  }
  int release_signal() const override { return SIGUSR2; }
  int renew_signal() const override { return SIGUSR1; }
  // udhcpc sends "deconfig" whenever it starts: never delivered (agent.h).
  bool dropped(std::string_view event, bool first) const override {
    return first && event == "deconfig";
  }
  Result<Event> translate(const HookMessage& m, const std::string& aobjname) const override {
    return event_from_hook(m, aobjname);
  }

 private:
  std::string client_;
  UdhcpcTuning t_;
};

}  // namespace

UdhcpcAgent::UdhcpcAgent(EventSink sink, std::string hook_path, std::string client_path,
                         UdhcpcTuning tuning)
    : SupervisedAgent(std::move(sink), std::move(hook_path),
                      std::make_unique<UdhcpcDriver>(std::move(client_path), tuning), tuning) {}

}  // namespace ipadm::dhcp
