#include "dhcp/supervisor.h"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <vector>

#include "dhcp/hook.h"
#include "dhcp/lease.h"
#include "dhcp/spawn.h"

namespace ipadm::dhcp {
namespace {

std::string exit_text(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("killed by signal ") + strsignal(WTERMSIG(status));
  return "ended";
}

}  // namespace

void SupervisedAgent::Supervisor::log(const std::string& msg) {
  if (a_.tuning_.log) a_.tuning_.log(msg);
}

SupervisedAgent::Supervisor::Client* SupervisedAgent::Supervisor::client_of(const Proc& p) {
  auto it = clients_.find(p.aobjname);
  if (it == clients_.end() || it->second.gen != p.gen) return nullptr;
  return &it->second;
}

bool SupervisedAgent::Supervisor::busy(const std::string& aobjname) const {
  return std::any_of(procs_.begin(), procs_.end(),
                     [&](const Proc& p) { return p.aobjname == aobjname; });
}

void SupervisedAgent::Supervisor::run() {
  for (;;) {
    if (!take_commands()) quitting_ = true;
    reap();
    fire_timers();
    if (quitting_ && procs_.empty()) break;

    std::vector<pollfd> fds;
    std::vector<Proc*> owner;
    fds.push_back({a_.wake_fd_, POLLIN, 0});
    owner.push_back(nullptr);
    for (auto& p : procs_) {
      if (!p.sock_eof) {
        fds.push_back({p.sock, POLLIN, 0});
        owner.push_back(&p);
      }
      if (p.pidfd >= 0) {
        fds.push_back({p.pidfd, POLLIN, 0});
        owner.push_back(nullptr);  // exits are collected by reap()
      }
    }
    int n = poll(fds.data(), fds.size(), poll_timeout_ms());
    if (n <= 0) continue;
    if (fds[0].revents) {
      uint64_t v;
      ssize_t r = read(a_.wake_fd_, &v, sizeof(v));
      (void)r;
    }
    for (size_t i = 1; i < fds.size(); ++i)
      if (owner[i] && fds[i].revents) on_readable(*owner[i]);
  }
}

bool SupervisedAgent::Supervisor::take_commands() {
  std::deque<Cmd> cmds;
  {
    std::lock_guard<std::mutex> l(a_.mu_);
    cmds.swap(a_.queue_);
  }
  bool go_on = !quitting_;
  for (const auto& c : cmds) {
    if (c.kind == Cmd::Quit) go_on = false;
    apply(c);
  }
  return go_on;
}

void SupervisedAgent::Supervisor::apply(const Cmd& c) {
  const std::string& name = c.params.aobjname;
  const ClientDriver& drv = *a_.driver_;
  auto it = clients_.find(name);
  switch (c.kind) {
    case Cmd::Start: {
      if (quitting_) return;
      if (it != clients_.end()) {
        if (it->second.proc) begin_stop(*it->second.proc, false);
        clients_.erase(it);
      }
      Client& cl = clients_[name];
      cl.params = c.params;
      cl.gen = c.gen;
      cl.backoff = a_.tuning_.backoff_min;
      cl.restart_at = Clock::now();
      if (!busy(name)) spawn(cl);  // else: once the previous process is reaped
      break;
    }
    case Cmd::Stop:
      if (it == clients_.end()) return;
      if (it->second.proc) {
        begin_stop(*it->second.proc, c.release);
      } else if (c.release && drv.release_signal() == 0 && !busy(name)) {
        launch_releaser(it->second.params, it->second.gen);  // between restarts
      }
      clients_.erase(it);
      break;
    case Cmd::Renew:
      if (it == clients_.end()) return;
      if (drv.renew_signal() != 0) {
        if (it->second.proc) kill(it->second.proc->pid, drv.renew_signal());
      } else {  // renew = restart, same generation
        if (it->second.proc) begin_stop(*it->second.proc, false);
        it->second.proc = nullptr;
        it->second.restart_at = Clock::now();
      }
      break;
    case Cmd::StopAll:
    case Cmd::Quit:
      for (auto& [n, cl] : clients_)
        if (cl.proc) begin_stop(*cl.proc, false);
      clients_.clear();
      break;
  }
  publish_pids();
}

SupervisedAgent::Supervisor::Proc* SupervisedAgent::Supervisor::launch(
    const Params& params, uint64_t gen, const std::vector<std::string>& argv) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    log("dhcp: " + params.aobjname + ": socketpair: " + std::strerror(errno));
    return nullptr;
  }
  SpawnSpec spec;
  spec.path = a_.driver_->client_path();
  spec.argv = argv;
  spec.env = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
              std::string(kHookFdEnv) + "=" + std::to_string(kHookFd)};
  spec.hook_sock = sv[1];
  spec.ambient_caps = geteuid() != 0 ? a_.driver_->ambient_caps() : 0;
  auto child = spawn_client(spec);
  close(sv[1]);
  if (!child) {
    close(sv[0]);
    log("dhcp: " + params.aobjname + ": " + child.status().to_string());
    return nullptr;
  }
  Proc p;
  p.aobjname = params.aobjname;
  p.params = params;
  p.gen = gen;
  p.pid = child->pid;
  p.pidfd = child->pidfd;
  p.sock = sv[0];
  p.started = Clock::now();
  procs_.push_back(std::move(p));
  publish_pids();
  return &procs_.back();
}

// The driver's release program for p: a dying process from the start (its
// messages are acked, never delivered), SIGTERM after release_grace.
void SupervisedAgent::Supervisor::launch_releaser(const Params& p, uint64_t gen) {
  auto argv = a_.driver_->release_argv(p, a_.hook_path_);
  if (argv.empty()) return;
  Proc* r = launch(p, gen, argv);
  if (!r) return;
  r->dying = true;
  r->stage = Stage::Releaser;
  r->deadline = Clock::now() + a_.tuning_.release_grace;
}

void SupervisedAgent::Supervisor::retry_later(Client& c) {
  c.restart_at = Clock::now() + c.backoff;
  c.backoff = std::min(c.backoff * 2, a_.tuning_.backoff_max);
}

void SupervisedAgent::Supervisor::spawn(Client& c) {
  c.proc = launch(c.params, c.gen, a_.driver_->run_argv(c.params, a_.hook_path_));
  if (!c.proc) {
    log("dhcp: " + c.params.aobjname + ": retrying in " + std::to_string(c.backoff.count()) +
        " ms");
    retry_later(c);
  }
}

void SupervisedAgent::Supervisor::begin_stop(Proc& p, bool release) {
  if (p.dying) return;
  p.dying = true;
  int sig = release ? a_.driver_->release_signal() : 0;
  if (sig != 0) {
    kill(p.pid, sig);
    p.stage = Stage::Releasing;
    p.deadline = Clock::now() + a_.tuning_.release_grace;
    return;
  }
  p.release_after = release;  // release program, once reaped
  terminate(p);
}

void SupervisedAgent::Supervisor::terminate(Proc& p) {
  kill(p.pid, SIGTERM);
  p.stage = Stage::Terming;
  p.deadline = Clock::now() + a_.tuning_.term_grace;
}

void SupervisedAgent::Supervisor::escalate(Proc& p) {
  switch (p.stage) {
    case Stage::Running:
      return;
    case Stage::Releasing:
    case Stage::Releaser:
      terminate(p);
      return;
    case Stage::Terming:
    case Stage::Killed:
      kill(p.pid, SIGKILL);
      p.stage = Stage::Killed;
      p.deadline = Clock::now() + std::chrono::seconds(1);
      return;
  }
}

void SupervisedAgent::Supervisor::reap() {
  for (auto it = procs_.begin(); it != procs_.end();) {
    int status = 0;
    pid_t r = waitpid(it->pid, &status, WNOHANG);
    if (r == 0 || (r < 0 && errno == EINTR)) {
      ++it;
      continue;
    }
    if (r < 0) status = 0;  // ECHILD: someone else reaped it
    on_exit(*it, status);
    it = procs_.erase(it);
  }
  publish_pids();
}

// REQUIRES: p is reaped; p is erased from procs_ right after. A release
// program launched here is appended to procs_ (list: iterators stay valid).
void SupervisedAgent::Supervisor::on_exit(Proc& p, int status) {
  // A message the hook sent just before the exit is still handled (and acked).
  if (!p.sock_eof) on_readable(p);
  close(p.sock);
  if (p.pidfd >= 0) close(p.pidfd);
  const ClientDriver& drv = *a_.driver_;
  drv.after_exit(p.params);
  if (p.release_after && !quitting_) launch_releaser(p.params, p.gen);
  Client* c = client_of(p);
  if (!c || c->proc != &p) return;  // stopped, replaced or restarted: expected exit
  c->proc = nullptr;
  if (Clock::now() - p.started > a_.tuning_.backoff_max) c->backoff = a_.tuning_.backoff_min;
  log("dhcp: " + p.aobjname + ": " + std::string(drv.program()) + " " + exit_text(status) +
      ", restarting in " + std::to_string(c->backoff.count()) + " ms");
  retry_later(*c);
}

void SupervisedAgent::Supervisor::on_readable(Proc& p) {
  for (;;) {
    std::string buf(kMaxMessage + 1, '\0');
    ssize_t n = recv(p.sock, buf.data(), buf.size(), MSG_DONTWAIT | MSG_TRUNC);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) p.sock_eof = true;
      return;
    }
    if (n == 0) {  // every copy of the child's end is closed
      p.sock_eof = true;
      return;
    }
    if (static_cast<size_t>(n) > kMaxMessage) {
      log("dhcp: " + p.aobjname + ": oversized hook message dropped");
      buf.clear();
    } else {
      buf.resize(static_cast<size_t>(n));
    }
    Client* c = client_of(p);
    bool was_fresh = p.fresh;
    p.fresh = false;
    if (c && !p.dying && !buf.empty()) {
      auto m = hook_decode(buf);
      if (!m)
        log("dhcp: " + p.aobjname + ": bad hook message: " + m.status().to_string());
      else if (!a_.driver_->dropped(m->event, was_fresh))
        deliver(p, *c, *m);
    }
    if (p.stage == Stage::Releasing) escalate(p);  // the release has been done
    char ack = kAck;
    ssize_t r = send(p.sock, &ack, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)r;
  }
}

void SupervisedAgent::Supervisor::deliver(Proc& p, Client& c, const HookMessage& m) {
  auto iface = m.vars.find("interface");
  if (iface != m.vars.end() && iface->second != c.params.ifname) {
    log("dhcp: " + p.aobjname + ": hook message for interface " + iface->second + " dropped");
    return;
  }
  auto ev = a_.driver_->translate(m, p.aobjname);
  if (!ev) {
    log("dhcp: " + p.aobjname + ": " + m.event + " dropped: " + ev.status().to_string());
    return;
  }
  ev->generation = p.gen;
  if (!a_.current(*ev)) return;  // stopped or replaced, command not yet taken
  if (ev->lease && (ev->kind == EventKind::Bound || ev->kind == EventKind::Renew)) {
    c.params.request = ev->lease->addr;  // a restart asks for it again
    if (ev->kind == EventKind::Bound) c.backoff = a_.tuning_.backoff_min;
  } else if (ev->kind == EventKind::Deconfig) {
    c.params.request.reset();
  }
  a_.sink_(*ev);
}

void SupervisedAgent::Supervisor::fire_timers() {
  auto now = Clock::now();
  for (auto& p : procs_)
    if (p.dying && p.deadline <= now) escalate(p);
  if (quitting_) return;
  for (auto& [n, c] : clients_)
    if (!c.proc && c.restart_at <= now && !busy(n)) spawn(c);
}

int SupervisedAgent::Supervisor::poll_timeout_ms() const {
  auto now = Clock::now();
  auto next = now + std::chrono::seconds(60);
  bool no_pidfd = false;
  for (const auto& p : procs_) {
    if (p.dying) next = std::min(next, p.deadline);
    if (p.pidfd < 0) no_pidfd = true;
  }
  // A client waiting for its previous process is woken by that exit.
  for (const auto& [n, c] : clients_)
    if (!c.proc && !busy(n)) next = std::min(next, c.restart_at);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count() + 1;
  if (no_pidfd) ms = std::min<long long>(ms, 200);  // no pidfd: poll for exits
  return static_cast<int>(std::max<long long>(ms, 0));
}

void SupervisedAgent::Supervisor::publish_pids() {
  std::vector<pid_t> pids;
  std::multiset<std::string> live;
  for (const auto& p : procs_) {
    pids.push_back(p.pid);
    live.insert(p.aobjname);
  }
  {
    std::lock_guard<std::mutex> l(a_.mu_);
    a_.pids_ = std::move(pids);
    a_.live_ = std::move(live);
  }
  a_.exited_.notify_all();
}

}  // namespace ipadm::dhcp
