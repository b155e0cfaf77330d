#include "daemon/startup.h"

#include <getopt.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <tuple>

#include "core/aobjmap.h"
#include "core/service.h"
#include "daemon/daemonize.h"
#include "daemon/inform_log.h"
#include "daemon/kernel_follow.h"
#include "daemon/log.h"
#include "daemon/privileges.h"
#include "daemon/root_tree.h"
#include "daemon/server.h"
#include "dhcp/dhclient6_agent.h"
#include "dhcp/udhcpc_agent.h"
#include "dns/applier.h"
#include "dns/choose_sink.h"
#include "dns/early_bus.h"
#include "netlink/netlink_kernel.h"
#include "store/fallback_store.h"
#include "store/sqlite_volatile_store.h"
#include "core/checkpoint_timer.h"

namespace ipadm::daemon {

namespace {

constexpr const char* kUsage =
    "Usage: ipmgmtd [-f] [-R root] [-G group] [-u user] [-A arp-probe-count]\n";

// illumos /etc/inet/static_routes (route -p), imported once, like the
// legacy ipadm.conf.
Status import_static_routes(core::Service& svc, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::ok();  // none
  std::stringstream text;
  text << in.rdbuf();
  auto r = svc.import_static_routes_once(text.str());
  IPADM_TRY(r);
  for (const auto& w : r->warnings()) log_warn("%s: %s", path.c_str(), w.c_str());
  if (r->routes()) log_info("%s: imported %u routes", path.c_str(), r->routes());
  return Status::ok();
}

int fail(Readiness& ready, const char* what, const Status& s) {
  log_err("%s: %s", what, s.to_string().c_str());
  ready.report(1);
  return 1;
}

// The seed's data-store upgrade: a legacy illumos ipadm.conf next to the
// store is imported once, into an empty store. Unknown keys are logged.
Status import_legacy_conf(core::Service& svc, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::ok();  // none: nothing to upgrade
  std::stringstream text;
  text << in.rdbuf();
  auto r = svc.import_legacy_once(text.str());
  IPADM_TRY(r);
  for (const auto& w : r->warnings()) log_warn("%s: %s, ignoring", path.c_str(), w.c_str());
  if (r->interfaces() || r->addresses() || r->properties())
    log_info("%s: imported %u interfaces, %u address objects, %u properties", path.c_str(),
             r->interfaces(), r->addresses(), r->properties());
  return Status::ok();
}

// Host-delegated links (docs/containers.md); a missing file means none.
Status load_delegation(core::Service& svc, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return svc.init_delegations({});
  std::stringstream text;
  text << in.rdbuf();
  auto d = core::parse_delegation(text.str());
  IPADM_TRY(d);
  for (const auto& x : *d)
    log_info("%s: link %s delegated by the host (%zu addresses, %zu routers)", path.c_str(),
             x.ifname.c_str(), x.addrs.size(), x.routers.size());
  return svc.init_delegations(std::move(*d));
}

// Tests only: IPMGMTD_TEST_EVENT_RCVBUF=BYTES shrinks the kernel event
// socket's buffer so that a burst overflows it (ipmgmtd(8), ENVIRONMENT).
int test_event_rcvbuf() {
  const char* v = std::getenv("IPMGMTD_TEST_EVENT_RCVBUF");
  return v ? std::atoi(v) : 0;
}

}  // namespace

std::optional<Options> parse_options(int argc, char** argv) {
  Options o;
  opterr = 0;
  optind = 1;
  int c;
  while ((c = getopt(argc, argv, "fR:G:u:A:")) != -1) {
    switch (c) {
      case 'f': o.foreground = true; break;
      case 'R': o.root = optarg; break;
      case 'G': o.auth_group = optarg; break;
      case 'u': o.user = optarg; break;
      case 'A': {
        char* end = nullptr;
        long n = std::strtol(optarg, &end, 10);
        if (*optarg == '\0' || *end != '\0' || n < 0 || n > 20) {  // illumos's range
          std::fputs(kUsage, stderr);
          return std::nullopt;
        }
        o.arp_probe_count = static_cast<int>(n);
        break;
      }
      default:
        std::fputs(kUsage, stderr);
        return std::nullopt;
    }
  }
  if (optind != argc) {
    std::fputs(kUsage, stderr);
    return std::nullopt;
  }
  return o;
}

bool under_service_manager() {
  const char* svc = std::getenv("IPMGMTD_SERVICE");
  return std::getenv("NOTIFY_SOCKET") || std::getenv("INVOCATION_ID") ||
         (svc && std::strcmp(svc, "1") == 0);
}

int run_daemon(const Options& opt) {
  const bool notify = std::getenv("NOTIFY_SOCKET") != nullptr;
  // Under systemd Type=notify: no fork, READY=1 instead of the pipe.
  log_init(opt.foreground);
  Readiness ready = Readiness::begin(opt.foreground || notify);

  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  pthread_sigmask(SIG_BLOCK, &mask, nullptr);
  signal(SIGPIPE, SIG_IGN);
  int sigfd = signalfd(-1, &mask, SFD_CLOEXEC);
  if (sigfd < 0) return fail(ready, "signalfd", Status::from_errno(errno, std::strerror(errno)));

  // Without these every kernel change would fail later, one by one (in a
  // container that was not given CAP_NET_ADMIN, say): refuse to start, and
  // say what is missing, before anything is created or migrated.
  const DaemonUser user = geteuid() == 0 ? lookup_user(opt.user) : DaemonUser{};
  if (auto missing = missing_capabilities(user.exists && user.uid != 0); !missing.empty()) {
    std::string names;
    for (const auto& m : missing) names += (names.empty() ? "" : ", ") + m;
    return fail(ready, "capabilities",
                Status(Errc::EPerm, "missing from the permitted set: " + names +
                                        " (a container or service manager must grant them)"));
  }

  // The root tree, walked without following links; the store and map files
  // 0600 before SQLite opens them (docs/reliability.md "Files, modes and
  // the root tree"). From here on every path hangs off the resolved root.
  auto tree = open_root_tree(opt.root, TreeOwners{geteuid(), user.exists, user.uid, user.gid, opt.user});
  if (!tree) return fail(ready, "root tree", tree.status());
  const Paths paths = Paths::for_root(tree->root);
  // No map mirror yet means a fresh boot (ROOT/run is a tmpfs): a pending
  // checkpoint then only puts back the persistent configuration.
  struct stat mirror_st {};
  const bool new_boot = ::stat(paths.volatile_db().c_str(), &mirror_st) != 0;
  for (auto [dir, base, create] : {std::tuple{&tree->store_dir, "ipadm.db", true},
                                   std::tuple{&tree->volatile_dir, "aobjmap.db", true},
                                   std::tuple{&tree->volatile_dir, "ipadm.db", false}})
    if (Status s = secure_store_files(*dir, base, create, user); !s)
      return fail(ready, "store files", s);

  store::OpenInfo info;
  std::string note;
  auto store = store::FallbackStore::open(paths.store_db(), paths.volatile_store_copy(), &info,
                                          &note);
  if (!store) return fail(ready, paths.store_db().c_str(), store.status());
  if (!note.empty()) log_warn("%s", note.c_str());
  if (info.migrated)
    log_info("%s: store migrated from schema version %d", paths.store_db().c_str(),
             info.found_version);
  if (info.read_only)
    log_warn("%s: %s", paths.store_db().c_str(), info.fallback.to_string().c_str());

  auto vstore = store::SqliteVolatileStore::open(paths.volatile_db());
  if (!vstore) return fail(ready, paths.volatile_db().c_str(), vstore.status());

  auto kernel = netlink::NetlinkKernel::open();
  if (!kernel) return fail(ready, "netlink", kernel.status());

  core::AddrObjMap map(vstore->get());
  if (Status s = map.load(); !s) return fail(ready, paths.volatile_db().c_str(), s);
  // Learned DNS (dns/applier.h, ipmgmtd(8) NAME RESOLUTION): the sink is
  // chosen when the first DNS is learned; its expiry thread starts after
  // the privilege drop (capabilities are per thread).
  // The host's instance connects to the system bus now, as root (early_bus.h).
  dns::EarlyBus early_bus;
  if (paths.root.empty()) early_bus.open();
  dns::SinkProbes probes = dns::system_probes();
  probes.bus = [&early_bus] { return early_bus.take(); };
  dns::Applier dns([root = paths.root, probes] { return dns::choose_sink(root, probes); },
                   [](const std::string& m) { log_info("dns: %s", m.c_str()); });
  core::Service svc(**kernel, **store, map);
  svc.set_dns(&dns);
  svc.set_dad_kernel_factory([]() -> std::unique_ptr<netlink::Kernel> {
    auto k = netlink::NetlinkKernel::open();
    if (!k) return nullptr;
    return std::move(*k);
  });
  // IPv4 duplicate address detection (RFC 5227, core/dad4.h): raw ARP
  // sockets, opened per probe session (CAP_NET_RAW is kept).
  netlink::arp::Timing arp;
  arp.probe_count = opt.arp_probe_count;  // 0: no probing (-A 0)
  svc.set_dad4(std::make_unique<core::Dad4>(netlink::arp::open_packet_link, arp));
  if (Status s = svc.reconcile(); !s) return fail(ready, "reconcile", s);
  // The rollback timer of ipadm checkpoint; a pending checkpoint is resumed
  // (or rolled back) once the DHCP agents are set, below.
  core::CheckpointTimer ckpt_timer([&svc] { svc.expire_checkpoint(); });
  svc.set_checkpoint_timer([&ckpt_timer](std::optional<int64_t> d) { ckpt_timer.arm(d); });
  svc.set_rollback_log(
      [](const std::string& m) { log_warn("checkpoint rollback: %s", m.c_str()); });
  // The DHCP clients: created now, their thread and processes only start
  // with the first client, after privileges are dropped (resume_dhcp below).
  dhcp::UdhcpcTuning tuning;
  tuning.log = [](const std::string& m) { log_info("dhcp: %s", m.c_str()); };
  dhcp::UdhcpcAgent agent([&svc](const dhcp::Event& ev) { svc.on_dhcp_event(ev); }, {}, {},
                          tuning);
  svc.set_dhcp_agent(&agent);
  dhcp::Dhclient6Tuning tuning6;
  tuning6.log = [](const std::string& m) { log_info("dhcpv6: %s", m.c_str()); };
  dhcp::Dhclient6Agent agent6([&svc](const dhcp::Event& ev) { svc.on_dhcp6_event(ev); },
                              paths.volatile_dir() + "/dhcp6", {}, {}, tuning6);
  svc.set_dhcp6_agent(&agent6);
  svc.set_informer(inform_and_log);
  if (Status s = svc.resume_checkpoint(new_boot); !s)
    log_err("checkpoint: %s", s.to_string().c_str());
  // A legacy file the import refuses (malformed) is not imported, and the
  // start goes on: the network must come up. It is tried again at the next
  // start, until imported once. (Records the checks of set-prop and
  // create-addr refuse are left out with a warning: import_legacy_once.)
  if (Status s = import_legacy_conf(svc, paths.legacy_conf()); !s)
    log_err("%s: not imported: %s; fix the file and restart ipmgmtd",
            paths.legacy_conf().c_str(), s.to_string().c_str());
  if (Status s = import_static_routes(svc, paths.static_routes()); !s)
    log_err("%s: not imported: %s; fix the file and restart ipmgmtd",
            paths.static_routes().c_str(), s.to_string().c_str());
  if (Status s = load_delegation(svc, paths.delegation()); !s)
    return fail(ready, paths.delegation().c_str(), s);

  // Protocol properties are re-applied before privileges are dropped (the
  // seed's order); failures are logged and skipped.
  for (const auto& f : svc.apply_persisted_proto_props())
    log_warn("Failed to reapply property %s, ignoring", f.c_str());

  // Root-only set-up is done: hand the directories (and the store files
  // opened above) to the daemon user and drop to it with only the
  // capabilities it needs.
  if (geteuid() == 0) {
    if (!user.exists)
      log_warn("user '%s' does not exist: running as root with only CAP_NET_ADMIN and "
               "CAP_NET_RAW, no supplementary groups, no-new-privs",
               opt.user.c_str());
    for (const DirFd* d : {&tree->volatile_dir, &tree->store_dir})
      if (Status s = hand_over(*d, user); !s) return fail(ready, "hand over", s);
    if (Status s = drop_privileges(user); !s) return fail(ready, "drop privileges", s);
  }


  auto gid = lookup_group(opt.auth_group);
  if (!gid)
    log_warn("group '%s' does not exist: only root may change the configuration",
             opt.auth_group.c_str());
  Server server(svc, gid);
  if ((*store)->on_copy()) {
    store::FallbackStore* fs = store->get();
    server.tick = [&svc, fs, &paths, done = false]() mutable {
      if (done) return;
      if (Status s = svc.maintain(); !s) log_debug("store copy-back: %s", s.to_string().c_str());
      if (!fs->on_copy()) {
        log_info("store copied back to %s", paths.store_db().c_str());
        done = true;
      }
    };
  }
  if (Status s = server.listen(paths.socket()); !s) return fail(ready, paths.socket().c_str(), s);

  log_info("ready on %s (%zu interfaces, %zu address objects known)", paths.socket().c_str(),
           map.ifs().size(), map.addrs().size());
  ready.report(0);
  // Readers' snapshot (core/read_snapshot.h): built once now that the
  // start-up's own changes are done, then kept current by every write.
  svc.publish();
  // The kernel's events: links that come and go (hotplug) and router
  // advertisements with the M flag (DHCPv6, Service::on_inet6_flags).
  // Subscribed before resume_dhcp reads the current flags, so a change in
  // between is not missed.
  KernelFollower follower(svc);
  if (Status s = follower.open(test_event_rcvbuf()); !s)
    log_warn("kernel events: %s (links that come and go are not followed)",
             s.to_string().c_str());
  svc.set_quiet_hook([&follower](bool begin) { follower.quiet_addrs(begin); });
  svc.set_view_source(&follower);
  dns.start([&early_bus] { early_bus.warm_up(); });
  ckpt_timer.start();  // after the privilege drop, as every thread
  svc.resume_dhcp();
  follower.start().ignore();
  Status s = server.serve(sigfd);
  follower.stop();
  svc.set_quiet_hook(nullptr);
  svc.set_view_source(nullptr);
  // The clients stop without a release: their leases stay in the kernel
  // (with the lease time as lifetime) for the next ipmgmtd to adopt.
  agent.stop_all();
  agent6.stop_all();
  if (!s) {
    log_err("serve: %s", s.to_string().c_str());
    return 1;
  }
  log_info("stopping on signal");
  return 0;
}

}  // namespace ipadm::daemon
