// Service: one handler per RPC request, the daemon's logic.
//
// It sees only the Kernel, the Store, and the AddrObjMap (with its volatile
// mirror); the Server does sockets, credentials and framing. Every mutating
// handler follows one order so that a crash at any point leaves nothing
// acknowledged lost and nothing half-applied that a restart cannot explain:
//   validate -> kernel -> map/mirror -> store (durable) -> reply
// and undoes the kernel and map steps if a later step fails.
//
// Thread rules: handlers may be called from many server threads; one mutex
// serializes them (the Kernel and Store implementations are not thread-safe),
// except show-if and show-addr: they read the published ReadSnapshot
// (core/read_snapshot.h) and the view source, and never wait for the lock
// when a view source is set.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/objects.h"
#include "common/status.h"
#include "core/addr_listing.h"
#include "core/aobjmap.h"
#include "core/checkpoint.h"
#include "core/dad4.h"
#include "core/delegation.h"
#include "core/link_guard.h"
#include "core/props.h"
#include "core/read_snapshot.h"
#include "core/route.h"
#include "core/service_mutex.h"
#include "core/tracking_store.h"
#include "core/view_source.h"
#include "dhcp/agent.h"
#include "dhcp/inform.h"
#include "dns/applier.h"
#include "ipmgmt.pb.h"
#include "netlink/kernel.h"
#include "netlink/nd_useropt.h"
#include "store/conf_import.h"
#include "store/conf_model.h"
#include "store/store.h"

namespace ipadm::core {

// Resolves a host name to exactly one address. BadHostname if it maps to
// several, BadAddr if it does not resolve. The Service asks it for valid
// host names only (core/static_addr.h); resolve_host also reads numeric
// text itself, strictly (inet_pton forms, never getaddrinfo).
using Resolver = std::function<Result<IpAddr>(const std::string& host)>;
Result<IpAddr> resolve_host(const std::string& host);  // getaddrinfo

class Service {
 public:
  Service(netlink::Kernel& kernel, store::Store& store, AddrObjMap& map,
          Resolver resolver = resolve_host)
      : kernel_(kernel), tracked_(store), store_(tracked_), map_(map),
        resolve_(std::move(resolver)) {}

  // Start-up: drop PERSIST flags the store does not back (a crash between
  // mirror and store), forget stubs that are neither ACTIVE nor PERSIST.
  // Never touches the kernel.
  Status reconcile();
  // Periodic housekeeping (Store::maintain) under the service lock.
  Status maintain();

  // Host-delegated links (delegated.conf). On the instance's first start
  // (no "first_boot_done" in the store) their interfaces are persisted, so
  // restore/enable-if bring them up with the delegated addresses (type
  // from-gz, names IF/_a...) and default routes. Persistent static
  // addresses on them are refused (GzPerm).
  Status init_delegations(std::vector<Delegation> delegations);

  // ---- interfaces ----
  Status create_if(const rpc::CreateIfReq& req);
  Status delete_if(const rpc::DeleteIfReq& req);
  Status enable_if(const rpc::EnableIfReq& req);
  Status disable_if(const rpc::DisableIfReq& req);
  Result<rpc::ShowIfReply> show_if(const rpc::ShowIfReq& req);
  // Boot restore (illumos network/physical): enables every persistent
  // interface that is not active, with its addresses, in store order.
  // Failures are listed in the reply, never fatal.
  Result<rpc::RestoreReply> restore();

  // ---- links coming and going (service_links.cc; docs/linux-mapping.md,
  // "Links that come and go") ----
  // A link named ifname appeared (new, moved into the namespace, re-created,
  // renamed into the name). Enables its persistent interface as restore
  // would, unless it is active or was disabled with disable-if -t. initial:
  // the daemon's first look at the kernel: then only an interface whose link
  // went away (kAbsent) is enabled -- boot restore stays `ipadm restore`'s,
  // and a restart never changes the kernel otherwise.
  // Returns whether it enabled the interface (failures are in *failed).
  bool link_appeared(const std::string& ifname, bool initial, std::vector<std::string>* failed);
  // No link is named ifname any more (deleted, moved away, renamed away).
  // Its interface stops being active without any kernel change (the link's
  // addresses went with it, or belong to a link of another name now): DHCP
  // clients stop, temporary objects are forgotten, persistent ones stay
  // known but inactive (names reserved), and a persistent interface is
  // marked kAbsent so that it comes back with its link. Returns whether
  // the interface was active.
  bool link_gone(const std::string& ifname);
  // The daemon's first look at the kernel's links (name -> ifindex), before
  // the initial link_appeared calls: an active interface whose link is
  // missing, or is another link now (an ifindex other than the one it was
  // enabled on: re-created while the daemon was not running), is treated
  // as gone (link_gone), so that link_appeared(initial) enables the
  // re-created one as hotplug would. Interfaces whose link is the same are
  // left alone (a restart never changes the kernel). Returns the interfaces
  // it took offline, each with whether a link of that name is there now.
  std::vector<std::pair<std::string, bool>> links_at_start(
      const std::map<std::string, int>& links);
  // The link of active interface ifname came up (IFF_UP set again, e.g.
  // `ip link set IF down; ip link set IF up`, which makes Linux drop the
  // IPv6 addresses): puts back the addresses of its up static and addrconf
  // objects that the kernel lost. Returns how many.
  int link_up_again(const std::string& ifname);

  // ---- routes (service_route.cc; core/route.h) ----
  // create-route: validate -> kernel -> store (unless temporary) -> reply;
  // the kernel route is taken back if the store fails. Exists when a route
  // with the same key is ours or in the kernel (foreign routes are never
  // changed), BadAddr when no address of an up link (of -i's link, if
  // given) makes the gateway reachable, Enxio for a missing -i link.
  Status create_route(const rpc::CreateRouteReq& req);
  // delete-route: the one route of ours the selector names (InvalidArg if
  // several do, NotFound if none: a foreign route is never deleted); out
  // of the kernel (if there), then out of the store.
  Status delete_route(const rpc::DeleteRouteReq& req);
  // Kernel routes of the main table (static: ours; dhcp; foreign) and the
  // persistent routes not in the kernel (state inactive); ifname filters.
  Result<rpc::ShowRouteReply> show_route(const rpc::ShowRouteReq& req);

  // ---- properties (PropService under the service lock) ----
  Status set_prop(const rpc::SetPropReq& req);
  Result<rpc::ShowPropReply> show_prop(const rpc::ShowPropReq& req);
  // Start-up, before privileges drop: re-apply persisted protocol
  // properties (active only); failures are returned, never fatal.
  std::vector<std::string> apply_persisted_proto_props();

  // ---- configuration ----
  // format "illumos" (default) or "json".
  Result<std::string> export_conf(const std::string& format);
  // Replaces the persistent configuration with text (either format), in
  // one store transaction, after checking every record by the rules of
  // create-addr and set-prop (docs/import-export.md "Import semantics").
  // An empty configuration is refused unless allow_empty.
  Result<rpc::ImportReply> import_conf(const std::string& text, bool allow_empty = false);
  // First start: imports a legacy illumos ipadm.conf if the store is empty
  // and it was never imported before (recorded in the store's meta). Unlike
  // import_conf, records the checks refuse are left out, each reported in
  // the reply's warnings ("line N: ...; not imported (...)"), and an empty
  // text is no error.
  Result<rpc::ImportReply> import_legacy_once(const std::string& text);
  // First start: imports an illumos /etc/inet/static_routes (route -p) once
  // (recorded in meta) into a store without routes, leaving out with a
  // warning what create-route's checks refuse; the rest of the store is
  // kept. Routes go into the kernel at the next restore/enable-if.
  Result<rpc::ImportReply> import_static_routes_once(const std::string& text);

  // ---- checkpoints (service_checkpoint.cc; core/checkpoint.h) ----
  // ipadm checkpoint: saves the persistent configuration and the active
  // state in the store with a deadline (wall clock, now + seconds; 0 = 120).
  // Exists if one is pending. Tells the timer hook the deadline.
  Result<rpc::CheckpointReply> checkpoint(const rpc::CheckpointReq& req);
  // ipadm commit: forgets the pending checkpoint. NotFound if none.
  Status commit(const rpc::CommitReq& req);
  // ipadm rollback: puts the checkpoint's state back now (kernel, map and
  // store), then forgets it. NotFound if none. Steps that fail are logged
  // through the rollback hook and skipped; the store is put back anyway.
  Status rollback(const rpc::RollbackReq& req);
  Result<rpc::ShowCheckpointReply> show_checkpoint(const rpc::ShowCheckpointReq& req);
  // The timer fired: rolls back if the pending checkpoint's deadline has
  // passed (a stale timer does nothing).
  void expire_checkpoint();
  // Daemon start-up, after reconcile: a pending checkpoint whose deadline
  // has passed is rolled back at once; an unexpired one re-arms the timer.
  // new_boot (the volatile mirror was created afresh: the host rebooted):
  // only the persistent configuration is put back and the checkpoint ends,
  // so that boot restore brings up the configuration from before it.
  Status resume_checkpoint(bool new_boot);
  // Told the deadline (seconds since the epoch) when a checkpoint starts or
  // is resumed, nullopt when it ends. Called with no service lock held.
  using CheckpointTimerHook = std::function<void(std::optional<int64_t> deadline)>;
  void set_checkpoint_timer(CheckpointTimerHook f) { ckpt_timer_ = std::move(f); }
  // Told each rollback step that failed ("request: message").
  using RollbackLog = std::function<void(const std::string&)>;
  void set_rollback_log(RollbackLog f) { rollback_log_ = std::move(f); }
  // The wall clock (seconds since the epoch); tests replace it.
  void set_clock(std::function<int64_t()> f) { clock_ = std::move(f); }

  // ---- addresses ----
  Status create_addr(const rpc::CreateAddrReq& req);
  // Kernel handles for waiting on IPv6 DAD outside the service lock (one
  // per wait). Unset: waits happen under the lock (unit tests, FakeKernel).
  using KernelFactory = std::function<std::unique_ptr<netlink::Kernel>()>;
  void set_dad_kernel_factory(KernelFactory f) { dad_kernel_ = std::move(f); }
  // IPv4 duplicate address detection (service_dad4.cc). Unset: IPv4
  // addresses are not probed (unit tests, FakeKernel). Set before serving.
  void set_dad4(std::unique_ptr<Dad4> d) { dad4_ = std::move(d); }
  Status delete_addr(const rpc::DeleteAddrReq& req);
  // show-addr, whole; or as a listing to send a part at a time (the
  // daemon's RPC: core/addr_listing.h). Errors come before any row.
  Result<rpc::ShowAddrReply> show_addr(const rpc::ShowAddrReq& req);
  Result<std::unique_ptr<AddrListing>> show_addr_listing(const rpc::ShowAddrReq& req);
  Status up_addr(const rpc::AddrObjReq& req);
  Status down_addr(const rpc::AddrObjReq& req);
  Status disable_addr(const rpc::AddrObjReq& req);
  Status enable_addr(const rpc::AddrObjReq& req);
  Status refresh_addr(const rpc::AddrObjReq& req);

  // ---- network-online (service_online.cc, core/readiness.h) ----
  // The readiness of every enabled persistent object, or of the named ones
  // (an interface name stands for the interface and all its objects). A
  // snapshot under the service lock, never a wait: `ipadm wait-online`
  // polls it. Unknown names: NotFound (address object) or Enxio
  // (interface); an invalid one: InvalidArg; the detail is the name.
  Result<rpc::WaitOnlineReply> wait_online(const rpc::WaitOnlineReq& req);

  // ---- learned DNS (service_dns.cc; ipmgmtd(8), NAME RESOLUTION) ----
  // Where the DNS of DHCPv4/DHCPv6 leases and router advertisements goes.
  // Unset: nothing is applied. Set before serving requests.
  void set_dns(dns::Applier* dns) { dns_ = dns; }
  // A router advertisement on ifname carried RDNSS/DNSSL options: applied
  // when ifname has an active addrconf object (the one that runs SLAAC
  // there), else ignored. Takes the service lock.
  void on_nd_dns(const std::string& ifname, const netlink::NdDnsOptions& opts);

  // ---- DHCP (service_dhcp.cc) ----
  // The agent that runs the DHCP clients; unset: create-addr -T dhcp fails
  // with DhcpStartError. Set before serving requests.
  void set_dhcp_agent(dhcp::Agent* agent) { dhcp_ = agent; }
  // The DHCPv6 agent of addrconf objects with stateful=yes (unset: their
  // stateful part is not run, which show-addrprop cannot tell; the daemon
  // always sets it).
  void set_dhcp6_agent(dhcp::Agent* agent) { dhcp6_ = agent; }
  // DHCPINFORM for `refresh-addr -i` of a static IPv4 object (dhcp::inform;
  // called without the service lock). Unset: NotSup.
  using Informer = std::function<Result<dhcp::InformReply>(
      const std::string& aobjname, const std::string& ifname, const std::string& hwaddr,
      const IpAddr& local)>;
  void set_informer(Informer f) { inform_ = std::move(f); }
  // Told (true) before and (false) after the daemon adds many addresses
  // itself (enable-if, restore, hotplug), so the kernel event loop can pause
  // the per-address events meanwhile (KernelFollower::quiet_addrs). Calls
  // nest. Unset: nothing.
  using QuietHook = std::function<void(bool begin)>;
  void set_quiet_hook(QuietHook f) { quiet_ = std::move(f); }
  // Where show-if and show-addr read the kernel (view_source.h); unset, or
  // when it cannot vouch for its view: a dump per request. Set before
  // serving requests; must outlive the Service's use of it.
  void set_view_source(KernelViewSource* src) { view_source_ = src; }
  // The read snapshot readers see now (tests, diagnostics).
  std::shared_ptr<const ReadSnapshot> read_snapshot() const { return snaps_.load(); }
  // Publishes at once what the map, the store and the Service hold, and
  // from now on at every release of the lock (before the first call nothing
  // is published: the start-up does not build a snapshot no one reads
  // yet). The daemon calls it once ready; the first read calls it too.
  void publish() {
    publishing_ = true;
    std::lock_guard lock(mu_);
    touched_.all = true;
  }
  void on_dhcp6_event(const dhcp::Event& ev);
  // The agent's sink: applies, replaces or removes a lease in the kernel
  // and the map. Takes the service lock.
  void on_dhcp_event(const dhcp::Event& ev);
  // Start-up, after privileges are dropped: restarts the clients of the
  // active dhcp objects, asking for the lease the kernel still holds, and
  // the DHCPv6 clients of stateful addrconf objects.
  void resume_dhcp();
  // The kernel's IPv6 flags of ifname changed (a router advertisement was
  // processed; "" = notifications were lost, every interface): starts the
  // DHCPv6 client of an active stateful addrconf object there once a router
  // has set the M flag (service_addrconf.cc). Takes the service lock.
  void on_inet6_flags(const std::string& ifname);

 private:
  // REQUIRES: mu_ held (all *_locked_ helpers).
  Status plumb_locked_(const std::string& ifname, bool persist, store::Batch* batch,
                       bool* created, LinkChanges* changes);
  Result<bool> plumb_link_locked_(const std::string& ifname, int ifindex, LinkChanges* changes);
  // legacy: the first-start import of an illumos ipadm.conf, where records
  // the checks refuse are left out with a warning instead of refusing all.
  Result<rpc::ImportReply> import_once_locked_(const std::string& text, store::ConfFormat format,
                                               const std::string& meta_key);
  // format StaticRoutes replaces the routes only (the rest is kept).
  Result<rpc::ImportReply> import_locked_(const std::string& text, bool allow_empty,
                                          bool legacy, store::ConfFormat format);
  // The object an imported address record stands for, by create-addr's
  // rules (no kernel needed: an addrconf record is checked, not built).
  Result<AddrObj> import_object_locked_(const store::AddrRecord& r);
  // Every record of next by the rules of create-addr and set-prop, and no
  // name held by a temporary object of another kind or address; the first
  // failure is returned, naming its line. With left_out, failing records
  // (and the properties of a failing address) are removed from *next
  // instead, each described in *left_out. *objs: the objects of next's
  // addresses.
  Status check_import_locked_(store::ConfSnapshot* next, std::map<std::string, AddrObj>* objs,
                              std::vector<std::string>* left_out);
  // Active temporary objects that next names (checked to be the same):
  // persistent again, now that their records are in the store.
  Status adopt_imported_locked_(const store::ConfSnapshot& next);
  Status reconcile_locked_();
  // Puts the persistent routes that are not in the kernel back, after the
  // addresses that make their gateways reachable: with ifname set, those
  // on that interface and those without -i whose gateway its addresses
  // reach (enable-if, hotplug, link up again); with ifname empty, every
  // one (the end of restore). Failures go to report (if any) when
  // report_all or the route names ifname. Returns how many went in.
  int apply_routes_locked_(const std::string& ifname, rpc::RestoreReply* report,
                           bool report_all);
  Result<rpc::ShowRouteReply> show_route_locked_(const rpc::ShowRouteReq& req);
  // ipadm's routes in the kernel, as typed, each with whether it is
  // temporary (checkpoints).
  Result<std::vector<std::pair<RouteObj, bool>>> active_routes_locked_();
  // temp_routes_ to the map's mirror (the whole set).
  Status mirror_temp_routes_locked_();
  // Start-up: temp_routes_ from what the mirror held.
  void load_temp_routes_locked_();
  // The temporary routes (create-route -t) still in the kernel.
  std::vector<RouteObj> live_temp_routes_locked_(const std::vector<netlink::Route>& kroutes,
                                                 const std::vector<netlink::Link>& links);
  // checkpoints (service_checkpoint.cc)
  Result<CheckpointState> capture_locked_();
  Status rollback_to_(const CheckpointState& want);
  Status rollback_();  // rollback(): NotFound if none
  Status apply_planned_(const rpc::Request& req);
  Status restore_conf_locked_(const store::ConfSnapshot& conf);
  int64_t wall_now_() const;  // clock_, else the system's wall clock
  Status apply_delegation_locked_(const Delegation& d, int ifindex, rpc::RestoreReply* report);
  // One enable of a persistent interface from the store (service_enable.cc):
  // enable-if, restore and hotplug.
  class IfEnable;
  Status enable_if_locked_(const store::IfRecord& rec, rpc::RestoreReply* report);
  Status unplumb_kernel_locked_(const std::string& ifname, bool keep_persistent);
  Result<bool> plumb_ipv6_locked_(const std::string& ifname, bool adopt, LinkChanges* changes);
  Result<AddrObj> build_static_locked_(const std::string& aobjname, const std::string& ifname,
                                       const std::string& local_text,
                                       const std::string& remote_text);
  Status addr_to_kernel_locked_(const AddrObj& o, int ifindex, bool wait_dad);
  Status addr_from_kernel_locked_(const AddrObj& o, int ifindex);
  Result<int> ifindex_locked_(const std::string& ifname);
  Status promote_secondaries_locked_(const std::string& ifname, LinkChanges* changes);
  Status with_dad_wait_(const std::function<Status()>& locked_body);
  // IPv4 DAD (service_dad4.cc). An object being probed is "tentative", one
  // found in use by another host "duplicate" (its address is out of the
  // kernel); dad4_state_ holds both, keyed by aobjname.
  struct Dad4State {
    uint64_t seq = 0;  // the probing generation a verdict must match
    bool duplicate = false;
  };
  struct Dad4Pending {
    int ifindex = 0;
    Dad4Target target;
  };
  // Marks o tentative and returns its probe if o is probed on `link`
  // (static IPv4, not point-to-point, link with ARP and an Ethernet address).
  std::optional<Dad4Pending> dad4_begin_locked_(const AddrObj& o, const netlink::Link& link);
  // Starts probing `pending` (any links) in the background, after delay_ms.
  void dad4_start_locked_(std::vector<Dad4Pending> pending, int delay_ms = 0);
  // Waits (releasing the lock) until `pending` have verdicts, at most 1 s.
  void dad4_wait_locked_(std::unique_lock<ServiceMutex>& lock,
                         const std::vector<Dad4Pending>& pending);
  void dad4_forget_locked_(const std::string& aobjname) {
    if (dad4_state_.erase(aobjname)) touched_.aobjnames.insert(aobjname);
  }
  // "tentative", "duplicate", or nullptr (no DAD state).
  const char* dad4_state_locked_(const std::string& aobjname) const;
  bool dad4_duplicate_locked_(const std::string& aobjname) const;
  // The sink of Dad4: takes back the addresses found in use and schedules
  // their recovery probe; puts back a recovered one. Takes mu_.
  void on_dad4_verdicts_(int ifindex, std::vector<Dad4Verdict> verdicts);
  Result<rpc::ShowAddrReply> show_addr_locked_(const rpc::ShowAddrReq& req);
  // show-addr's listing of a snapshot and a kernel view (service_read.cc).
  Result<std::unique_ptr<AddrListing>> addr_listing_(std::shared_ptr<const ReadSnapshot> snap,
                                                     KernelView kv, const rpc::ShowAddrReq& req);
  // The kernel for show-if / show-addr: every link and the addresses of
  // ifname ("": all; none without with_addrs), from the view source, else
  // a dump under the lock (kernel_ is not thread-safe; locked: the caller
  // holds it).
  Result<KernelView> kernel_for_read_(const std::string& ifname, bool with_addrs,
                                      bool locked = false);
  Status create_addr_locked_(const rpc::CreateAddrReq& req);
  Status delete_addr_locked_(const rpc::DeleteAddrReq& req);
  Status up_addr_locked_(const rpc::AddrObjReq& req);
  Status refresh_addr_locked_(const rpc::AddrObjReq& req);
  Status inform_addr_(const rpc::AddrObjReq& req);
  Status enable_addr_locked_(const rpc::AddrObjReq& req);
  // A user-typed name of an existing object: valid per the naming rules,
  // or a generated name the map knows (IF/_a of delegated addresses).
  Result<AddrObjName> aobjname_locked_(const std::string& text) const;
  Result<AddrObj> updown_target_locked_(const rpc::AddrObjReq& req);
  Result<const AddrObj*> enabled_obj_locked_(const std::string& aobjname);
  Status persist_up_locked_(const AddrObj& o, bool up);
  // dhcp (service_dhcp.cc)
  Status create_dhcp_(const rpc::CreateAddrReq& req);
  Result<int> create_dhcp_locked_(const rpc::CreateAddrReq& req);
  Status start_dhcp_locked_(const AddrObj& o);
  Status wait_lease_(const std::string& aobjname, int wait);
  void apply_lease_locked_(AddrObj* o, const dhcp::Lease& lease);
  void drop_lease_locked_(AddrObj* o);
  Status delete_dhcp_(const std::string& aobjname, bool release);
  // The DNS of o's lease l (v4: options 6, 15, 119; v6: 23, 24) to dns_.
  void dns_lease_locked_(const AddrObj& o, int ifindex, const dhcp::Lease& l);
  // The DNS of o's lease, of its RAs (addrconf), or of all of ifname goes.
  void dns_lease_gone_locked_(const AddrObj& o);
  void dns_link_gone_locked_(const std::string& ifname);
  // addrconf (service_addrconf.cc)
  Status create_addrconf_locked_(const rpc::CreateAddrReq& req);
  Result<AddrObj> build_addrconf_locked_(const std::string& aobjname, const std::string& ifname,
                                         const std::string& extra);
  Status start_addrconf_locked_(const AddrObj& o, int ifindex, bool add_linklocal);
  Status stop_addrconf_locked_(const AddrObj& o, int ifindex);
  // Starts the DHCPv6 client of a stateful addrconf object (no-op else).
  Status start_dhcp6_locked_(const AddrObj& o);
  // Shared steps of create-addr (service_addr.cc).
  struct NewAddr {
    AddrObjName name;
    bool persist = false;
    bool plumbed = false;   // the map got the interface (implicit plumbing)
    LinkChanges changes;    // what plumbing changed in the kernel
    int ifindex = 0;
  };
  Result<NewAddr> begin_create_locked_(const rpc::CreateAddrReq& req);
  Status plumb_for_create_locked_(NewAddr* n, store::Batch* batch);
  void undo_plumb_locked_(NewAddr& n);
  // Builds a live dynamic (dhcp/addrconf) object from its store record.
  Result<AddrObj> dynamic_from_record_locked_(const store::AddrRecord& r);
  // The fields of a dhcp/addrconf object its record gives (no address yet).
  static AddrObj dynamic_stub_(const store::AddrRecord& r);

  // Read snapshots (service_publish.cc): at each release of the service
  // lock, what changed under it is published (mu_ held).
  void publish_locked_();
  // Store records with their places in store order.
  using OrderedRecords = std::vector<std::pair<std::shared_ptr<const store::AddrRecord>, uint64_t>>;
  static OrderedRecords records_of(const AddrShard& shard);
  Result<OrderedRecords> records_locked_(const std::string& ifname, const AddrShard* old);
  Result<std::shared_ptr<const AddrShard>> build_shard_locked_(const std::string& ifname,
                                                               OrderedRecords recs);
  Result<std::shared_ptr<const AddrEntry>> entry_locked_(const std::string& aobjname,
                                                         const AddrEntry* old);
  // The current snapshot for a reader (published first if there is none).
  std::shared_ptr<const ReadSnapshot> snapshot_for_read_();

  netlink::Kernel& kernel_;
  TrackingStore tracked_;  // store_ is this one: it notes what writes changed
  store::Store& store_;
  AddrObjMap& map_;
  PropService props_{kernel_, store_, map_};
  Resolver resolve_;
  std::map<std::string, Delegation> delegated_;
  // Temporary routes (create-route -t), in creation order, written through
  // to the map's mirror (a restarted daemon still owns them).
  std::vector<RouteObj> temp_routes_;  // guarded by mu_
  KernelFactory dad_kernel_;
  std::vector<netlink::AddrRequest> pending_dad_;  // guarded by mu_
  std::vector<Dad4Pending> pending_dad4_;          // guarded by mu_
  std::map<std::string, Dad4State> dad4_state_;    // guarded by mu_
  uint64_t dad4_seq_ = 0;                          // guarded by mu_
  dhcp::Agent* dhcp_ = nullptr;
  dhcp::Agent* dhcp6_ = nullptr;
  dns::Applier* dns_ = nullptr;
  Informer inform_;
  QuietHook quiet_;
  std::atomic<KernelViewSource*> view_source_{nullptr};
  CheckpointTimerHook ckpt_timer_;
  RollbackLog rollback_log_;
  std::function<int64_t()> clock_;
  std::mutex ckpt_mu_;  // serializes the checkpoint verbs and rollbacks; before mu_
  // Read snapshots: publisher state, guarded by mu_.
  SnapshotBox snaps_;
  std::atomic<bool> publishing_{false};  // publish() was called
  Touched touched_;  // what the Service itself changed: DAD states, props, delegations
  uint64_t store_order_next_ = 0;  // the next record's place in store order
  ServiceMutex mu_{[this] { publish_locked_(); }};
  std::condition_variable_any lease_cv_;  // a lease event was applied (with mu_)
  std::condition_variable_any dad4_cv_;   // IPv4 DAD verdicts were applied (with mu_)
  // Last: its sessions are joined before the members their sink uses go.
  std::unique_ptr<Dad4> dad4_;
};

// Static address record <-> live object conversions.
store::AddrRecord to_record(const AddrObj& o, bool persist_up);
netlink::AddrRequest to_request(const AddrObj& o, int ifindex);
// A DHCP object without its lease (no address, no routers); the kernel is
// not touched (service_dhcp.cc).
void forget_lease(AddrObj* o);

}  // namespace ipadm::core
