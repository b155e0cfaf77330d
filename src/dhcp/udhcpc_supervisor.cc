#include "dhcp/udhcpc_supervisor.h"


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

std::vector<std::string> client_argv(const std::string& hook, const Params& p,
                                     const UdhcpcTuning& t) {
  std::vector<std::string> v = {"udhcpc", "-f", "-i", p.ifname, "-s", hook,
                                "-t", std::to_string(t.discover_count),
                                "-T", std::to_string(t.discover_interval_s),
                                "-A", std::to_string(t.retry_pause_s)};
  if (p.request && p.request->family == AF_INET) {
    v.push_back("-r");
    v.push_back(p.request->to_string());
  }
  if (!p.hostname.empty()) {
    v.push_back("-x");
    v.push_back("hostname:" + p.hostname);
  }
  return v;
}

}  // namespace

void UdhcpcAgent::Supervisor::log(const std::string& msg) {
  if (a_.tuning_.log) a_.tuning_.log(msg);
}

UdhcpcAgent::Supervisor::Client* UdhcpcAgent::Supervisor::client_of(const Proc& p) {
  auto it = clients_.find(p.aobjname);
  if (it == clients_.end() || it->second.gen != p.gen) return nullptr;
  return &it->second;
}

void UdhcpcAgent::Supervisor::run() {
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

bool UdhcpcAgent::Supervisor::take_commands() {
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

void UdhcpcAgent::Supervisor::apply(const Cmd& c) {
  const std::string& name = c.params.aobjname;
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
      spawn(cl);
      break;
    }
    case Cmd::Stop:
      if (it == clients_.end()) return;
      if (it->second.proc) begin_stop(*it->second.proc, c.release);
      clients_.erase(it);
      break;
    case Cmd::Renew:
      if (it != clients_.end() && it->second.proc) kill(it->second.proc->pid, SIGUSR1);
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

void UdhcpcAgent::Supervisor::spawn(Client& c) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    log("dhcp: " + c.params.aobjname + ": socketpair: " + std::strerror(errno));
    c.restart_at = Clock::now() + c.backoff;
    c.backoff = std::min(c.backoff * 2, a_.tuning_.backoff_max);
    return;
  }
  SpawnSpec spec;
  spec.path = a_.client_path_;
  spec.argv = client_argv(a_.hook_path_, c.params, a_.tuning_);
  spec.env = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
              std::string(kHookFdEnv) + "=" + std::to_string(kHookFd)};
  spec.hook_sock = sv[1];
  spec.raise_ambient = geteuid() != 0;
  auto child = spawn_client(spec);
  close(sv[1]);
  if (!child) {
    close(sv[0]);
    log("dhcp: " + c.params.aobjname + ": " + child.status().to_string() + "; retrying in " +
        std::to_string(c.backoff.count()) + " ms");
    c.restart_at = Clock::now() + c.backoff;
    c.backoff = std::min(c.backoff * 2, a_.tuning_.backoff_max);
    return;
  }
  Proc p;
  p.aobjname = c.params.aobjname;
  p.gen = c.gen;
  p.pid = child->pid;
  p.pidfd = child->pidfd;
  p.sock = sv[0];
  p.started = Clock::now();
  procs_.push_back(std::move(p));
  c.proc = &procs_.back();
  publish_pids();
}

void UdhcpcAgent::Supervisor::begin_stop(Proc& p, bool release) {
  if (p.dying) return;
  p.dying = true;
  if (release) {
    kill(p.pid, SIGUSR2);
    p.stage = 1;
    p.deadline = Clock::now() + a_.tuning_.release_grace;
  } else {
    p.stage = 1;  // no release: straight to SIGTERM
    escalate(p);
  }
}

void UdhcpcAgent::Supervisor::escalate(Proc& p) {
  if (p.stage == 1) {
    kill(p.pid, SIGTERM);
    p.stage = 2;
    p.deadline = Clock::now() + a_.tuning_.term_grace;
  } else {
    kill(p.pid, SIGKILL);
    p.stage = 3;
    p.deadline = Clock::now() + std::chrono::seconds(1);
  }
}

void UdhcpcAgent::Supervisor::reap() {
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

// REQUIRES: p is reaped; p is erased from procs_ right after.
void UdhcpcAgent::Supervisor::on_exit(Proc& p, int status) {
  // A message the hook sent just before the exit is still handled (and acked).
  if (!p.sock_eof) on_readable(p);
  close(p.sock);
  if (p.pidfd >= 0) close(p.pidfd);
  Client* c = client_of(p);
  if (!c || c->proc != &p) return;  // stopped or replaced: expected exit
  c->proc = nullptr;
  if (Clock::now() - p.started > a_.tuning_.backoff_max) c->backoff = a_.tuning_.backoff_min;
  log("dhcp: " + p.aobjname + ": udhcpc " + exit_text(status) + ", restarting in " +
      std::to_string(c->backoff.count()) + " ms");
  c->restart_at = Clock::now() + c->backoff;
  c->backoff = std::min(c->backoff * 2, a_.tuning_.backoff_max);
}

void UdhcpcAgent::Supervisor::on_readable(Proc& p) {
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
      else if (!(was_fresh && m->event == "deconfig"))  // start-up deconfig: dropped (agent.h)
        deliver(p, *c, *m);
    }
    if (p.dying && p.stage == 1) escalate(p);  // the release has been done
    char ack = kAck;
    ssize_t r = send(p.sock, &ack, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)r;
  }
}

void UdhcpcAgent::Supervisor::deliver(Proc& p, Client& c, const HookMessage& m) {
  auto iface = m.vars.find("interface");
  if (iface != m.vars.end() && iface->second != c.params.ifname) {
    log("dhcp: " + p.aobjname + ": hook message for interface " + iface->second + " dropped");
    return;
  }
  auto ev = event_from_hook(m, p.aobjname);
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

void UdhcpcAgent::Supervisor::fire_timers() {
  auto now = Clock::now();
  for (auto& p : procs_)
    if (p.dying && p.deadline <= now) escalate(p);
  if (quitting_) return;
  for (auto& [n, c] : clients_)
    if (!c.proc && c.restart_at <= now) spawn(c);
}

int UdhcpcAgent::Supervisor::poll_timeout_ms() const {
  auto now = Clock::now();
  auto next = now + std::chrono::seconds(60);
  bool no_pidfd = false;
  for (const auto& p : procs_) {
    if (p.dying) next = std::min(next, p.deadline);
    if (p.pidfd < 0) no_pidfd = true;
  }
  for (const auto& [n, c] : clients_)
    if (!c.proc) next = std::min(next, c.restart_at);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count() + 1;
  if (no_pidfd) ms = std::min<long long>(ms, 200);  // no pidfd: poll for exits
  return static_cast<int>(std::max<long long>(ms, 0));
}

void UdhcpcAgent::Supervisor::publish_pids() {
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
