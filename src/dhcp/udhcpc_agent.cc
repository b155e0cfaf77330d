#include "dhcp/udhcpc_agent.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstring>

#include "dhcp/udhcpc_supervisor.h"

namespace ipadm::dhcp {
namespace {

std::string self_exe() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

std::string default_client() {
  for (const char* p : {"/usr/sbin/udhcpc", "/sbin/udhcpc"})
    if (access(p, X_OK) == 0) return p;
  return "/usr/sbin/udhcpc";
}

// Linux interface name as udhcpc gets it in argv: never an option.
bool usable_ifname(const std::string& n) {
  if (n.empty() || n.size() > 15 || n[0] == '-') return false;
  return std::none_of(n.begin(), n.end(), [](char c) {
    return c == '/' || c == ':' || std::isspace(static_cast<unsigned char>(c)) ||
           !std::isprint(static_cast<unsigned char>(c));
  });
}

// Option 12 text: a host name (RFC 1123 characters), at most 253 bytes.
bool usable_hostname(const std::string& n) {
  if (n.size() > 253 || n[0] == '-' || n[0] == '.') return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  });
}

}  // namespace

UdhcpcAgent::UdhcpcAgent(EventSink sink, std::string hook_path, std::string client_path,
                         UdhcpcTuning tuning)
    : sink_(std::move(sink)),
      hook_path_(hook_path.empty() ? self_exe() : std::move(hook_path)),
      client_path_(client_path.empty() ? default_client() : std::move(client_path)),
      tuning_(std::move(tuning)) {}

UdhcpcAgent::~UdhcpcAgent() {
  {
    std::lock_guard<std::mutex> l(mu_);
    wanted_.clear();
    if (thread_.joinable()) post({Cmd::Quit, {}, 0, false});
  }
  if (thread_.joinable()) thread_.join();
  if (wake_fd_ >= 0) close(wake_fd_);
}

Status UdhcpcAgent::ensure_thread() {
  if (thread_.joinable()) return Status::ok();
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) return Status(Errc::DhcpStartError, "eventfd", errno);
  sup_ = std::make_unique<Supervisor>(*this);
  thread_ = std::thread([this] { sup_->run(); });
  return Status::ok();
}

void UdhcpcAgent::post(Cmd c) {
  queue_.push_back(std::move(c));
  uint64_t one = 1;
  ssize_t n = write(wake_fd_, &one, sizeof(one));
  (void)n;  // EAGAIN only if the counter is saturated: the thread is awake anyway
}

Status UdhcpcAgent::start(const Params& p) {
  if (p.aobjname.empty() || !usable_ifname(p.ifname))
    return Status(Errc::InvalidArg, "DHCP client: bad interface name");
  if (!p.hostname.empty() && !usable_hostname(p.hostname))
    return Status(Errc::InvalidArg, "DHCP client: bad host name");
  if (access(client_path_.c_str(), X_OK) != 0)
    return Status(Errc::DhcpStartError, client_path_ + ": " + std::strerror(errno), errno);
  if (hook_path_.empty() || access(hook_path_.c_str(), X_OK) != 0)
    return Status(Errc::DhcpStartError, "hook program " + hook_path_ + ": " + std::strerror(errno),
                  errno);
  std::lock_guard<std::mutex> l(mu_);
  IPADM_TRY(ensure_thread());
  uint64_t gen = next_gen_++;
  wanted_[p.aobjname] = gen;
  post({Cmd::Start, p, gen, false});
  return Status::ok();
}

void UdhcpcAgent::stop(const std::string& aobjname, bool release) {
  std::lock_guard<std::mutex> l(mu_);
  if (wanted_.erase(aobjname) == 0) return;
  Cmd c{Cmd::Stop, {}, 0, release};
  c.params.aobjname = aobjname;
  post(std::move(c));
}

Status UdhcpcAgent::renew(const std::string& aobjname) {
  std::lock_guard<std::mutex> l(mu_);
  if (!wanted_.count(aobjname)) return Status(Errc::NotFound, "no DHCP client for " + aobjname);
  Cmd c{Cmd::Renew, {}, 0, false};
  c.params.aobjname = aobjname;
  post(std::move(c));
  return Status::ok();
}

bool UdhcpcAgent::running(const std::string& aobjname) const {
  std::lock_guard<std::mutex> l(mu_);
  return wanted_.count(aobjname) != 0;
}

bool UdhcpcAgent::current(const Event& ev) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = wanted_.find(ev.aobjname);
  return it != wanted_.end() && it->second == ev.generation;
}

void UdhcpcAgent::stop_all() {
  std::lock_guard<std::mutex> l(mu_);
  wanted_.clear();
  if (thread_.joinable()) post({Cmd::StopAll, {}, 0, false});
}

bool UdhcpcAgent::wait_exit(const std::string& aobjname, int timeout_ms) {
  std::unique_lock<std::mutex> l(mu_);
  return exited_.wait_for(l, std::chrono::milliseconds(timeout_ms),
                          [&] { return live_.count(aobjname) == 0; });
}

std::vector<pid_t> UdhcpcAgent::test_pids() const {
  std::lock_guard<std::mutex> l(mu_);
  return pids_;
}

}  // namespace ipadm::dhcp
