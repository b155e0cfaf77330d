#include "dhcp/supervised_agent.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "dhcp/supervisor.h"

namespace ipadm::dhcp {

SupervisedAgent::SupervisedAgent(EventSink sink, std::string hook_path,
                                 std::unique_ptr<ClientDriver> driver, SupervisorTuning tuning)
    : sink_(std::move(sink)),
      hook_path_(hook_path.empty() ? self_exe() : std::move(hook_path)),
      driver_(std::move(driver)),
      tuning_(std::move(tuning)) {}

SupervisedAgent::~SupervisedAgent() {
  {
    std::lock_guard<std::mutex> l(mu_);
    wanted_.clear();
    if (thread_.joinable()) post({Cmd::Quit, {}, 0, false});
  }
  if (thread_.joinable()) thread_.join();
  if (wake_fd_ >= 0) close(wake_fd_);
}

Status SupervisedAgent::ensure_thread() {
  if (thread_.joinable()) return Status::ok();
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) return Status(Errc::DhcpStartError, "eventfd", errno);
  sup_ = std::make_unique<Supervisor>(*this);
  thread_ = std::thread([this] { sup_->run(); });
  return Status::ok();
}

void SupervisedAgent::post(Cmd c) {
  queue_.push_back(std::move(c));
  uint64_t one = 1;
  ssize_t n = write(wake_fd_, &one, sizeof(one));
  (void)n;  // EAGAIN only if the counter is saturated: the thread is awake anyway
}

Status SupervisedAgent::start(const Params& p) {
  if (p.aobjname.empty()) return Status(Errc::InvalidArg, "DHCP client: no address object");
  IPADM_TRY(driver_->check(p));
  const std::string& client = driver_->client_path();
  if (access(client.c_str(), X_OK) != 0)
    return Status(Errc::DhcpStartError, client + ": " + std::strerror(errno), errno);
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

void SupervisedAgent::stop(const std::string& aobjname, bool release) {
  std::lock_guard<std::mutex> l(mu_);
  if (wanted_.erase(aobjname) == 0) return;
  Cmd c{Cmd::Stop, {}, 0, release};
  c.params.aobjname = aobjname;
  post(std::move(c));
}

Status SupervisedAgent::renew(const std::string& aobjname) {
  std::lock_guard<std::mutex> l(mu_);
  if (!wanted_.count(aobjname)) return Status(Errc::NotFound, "no DHCP client for " + aobjname);
  Cmd c{Cmd::Renew, {}, 0, false};
  c.params.aobjname = aobjname;
  post(std::move(c));
  return Status::ok();
}

bool SupervisedAgent::running(const std::string& aobjname) const {
  std::lock_guard<std::mutex> l(mu_);
  return wanted_.count(aobjname) != 0;
}

bool SupervisedAgent::current(const Event& ev) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = wanted_.find(ev.aobjname);
  return it != wanted_.end() && it->second == ev.generation;
}

void SupervisedAgent::stop_all() {
  std::lock_guard<std::mutex> l(mu_);
  wanted_.clear();
  if (thread_.joinable()) post({Cmd::StopAll, {}, 0, false});
}

bool SupervisedAgent::wait_exit(const std::string& aobjname, int timeout_ms) {
  std::unique_lock<std::mutex> l(mu_);
  return exited_.wait_for(l, std::chrono::milliseconds(timeout_ms),
                          [&] { return live_.count(aobjname) == 0; });
}

std::vector<pid_t> SupervisedAgent::test_pids() const {
  std::lock_guard<std::mutex> l(mu_);
  return pids_;
}

}  // namespace ipadm::dhcp
