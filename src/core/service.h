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
// serializes them (the Kernel and Store implementations are not thread-safe).
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/objects.h"
#include "common/status.h"
#include "core/aobjmap.h"
#include "core/delegation.h"
#include "core/props.h"
#include "dhcp/agent.h"
#include "ipmgmt.pb.h"
#include "netlink/kernel.h"
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
      : kernel_(kernel), store_(store), map_(map), resolve_(std::move(resolver)) {}

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

  // ---- properties (PropService under the service lock) ----
  Status set_prop(const rpc::SetPropReq& req);
  Result<rpc::ShowPropReply> show_prop(const rpc::ShowPropReq& req);
  // Start-up, before privileges drop: re-apply persisted protocol
  // properties (active only); failures are returned, never fatal.
  std::vector<std::string> apply_persisted_proto_props();

  // ---- configuration ----
  // format "illumos" (default) or "json".
  Result<std::string> export_conf(const std::string& format);
  // Replaces the persistent configuration with text (either format).
  Result<rpc::ImportReply> import_conf(const std::string& text);
  // First start: imports a legacy illumos ipadm.conf if the store is empty
  // and it was never imported before (recorded in the store's meta).
  Result<rpc::ImportReply> import_legacy_once(const std::string& text);

  // ---- addresses ----
  Status create_addr(const rpc::CreateAddrReq& req);
  // Kernel handles for waiting on IPv6 DAD outside the service lock (one
  // per wait). Unset: waits happen under the lock (unit tests, FakeKernel).
  using KernelFactory = std::function<std::unique_ptr<netlink::Kernel>()>;
  void set_dad_kernel_factory(KernelFactory f) { dad_kernel_ = std::move(f); }
  Status delete_addr(const rpc::DeleteAddrReq& req);
  Result<rpc::ShowAddrReply> show_addr(const rpc::ShowAddrReq& req);
  Status up_addr(const rpc::AddrObjReq& req);
  Status down_addr(const rpc::AddrObjReq& req);
  Status disable_addr(const rpc::AddrObjReq& req);
  Status enable_addr(const rpc::AddrObjReq& req);
  Status refresh_addr(const rpc::AddrObjReq& req);

  // ---- DHCP (service_dhcp.cc) ----
  // The agent that runs the DHCP clients; unset: create-addr -T dhcp fails
  // with DhcpStartError. Set before serving requests.
  void set_dhcp_agent(dhcp::Agent* agent) { dhcp_ = agent; }
  // The DHCPv6 agent of addrconf objects with stateful=yes (unset: their
  // stateful part is not run, which show-addrprop cannot tell; the daemon
  // always sets it).
  void set_dhcp6_agent(dhcp::Agent* agent) { dhcp6_ = agent; }
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
                       bool* created);
  Result<rpc::ImportReply> import_locked_(const std::string& text);
  Status reconcile_locked_();
  Status apply_delegation_locked_(const Delegation& d, int ifindex, rpc::RestoreReply* report);
  Status enable_if_locked_(const store::IfRecord& rec, rpc::RestoreReply* report);
  Status unplumb_kernel_locked_(const std::string& ifname, bool keep_persistent);
  Result<bool> plumb_ipv6_locked_(const std::string& ifname, int ifindex);
  Result<AddrObj> build_static_locked_(const std::string& aobjname, const std::string& ifname,
                                       const std::string& local_text,
                                       const std::string& remote_text);
  Status addr_to_kernel_locked_(const AddrObj& o, int ifindex, bool wait_dad);
  Status addr_from_kernel_locked_(const AddrObj& o, int ifindex);
  Result<int> ifindex_locked_(const std::string& ifname);
  Status promote_secondaries_locked_(const std::string& ifname);
  Status with_dad_wait_(const std::function<Status()>& locked_body);
  Status create_addr_locked_(const rpc::CreateAddrReq& req);
  Status delete_addr_locked_(const rpc::DeleteAddrReq& req);
  Status up_addr_locked_(const rpc::AddrObjReq& req);
  Status refresh_addr_locked_(const rpc::AddrObjReq& req);
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
    bool plumbed = false;
    int ifindex = 0;
  };
  Result<NewAddr> begin_create_locked_(const rpc::CreateAddrReq& req);
  Status plumb_for_create_locked_(NewAddr* n, store::Batch* batch);
  void undo_plumb_locked_(const NewAddr& n);
  // Builds a live dynamic (dhcp/addrconf) object from its store record.
  Result<AddrObj> dynamic_from_record_locked_(const store::AddrRecord& r);

  netlink::Kernel& kernel_;
  store::Store& store_;
  AddrObjMap& map_;
  PropService props_{kernel_, store_, map_};
  Resolver resolve_;
  std::map<std::string, Delegation> delegated_;
  KernelFactory dad_kernel_;
  std::vector<netlink::AddrRequest> pending_dad_;  // guarded by mu_
  dhcp::Agent* dhcp_ = nullptr;
  dhcp::Agent* dhcp6_ = nullptr;
  std::mutex mu_;
  std::condition_variable lease_cv_;  // a lease event was applied (with mu_)
};

// Static address record <-> live object conversions.
store::AddrRecord to_record(const AddrObj& o, bool persist_up);
netlink::AddrRequest to_request(const AddrObj& o, int ifindex);

}  // namespace ipadm::core
