// PropService: protocol, interface and address properties (spec section 4;
// the Linux mapping of each property is in docs/linux-mapping.md,
// "## Properties").
//
// Every set or reset is applied to the kernel and, unless temporary, to the
// store in one step; when a later step fails the earlier ones are undone, so
// an error changes nothing. reset = set the kernel to the default and delete
// the store line (temporary reset: kernel only).
//
// Some values have no home in the kernel: metadata (private,
// exchange_routes), the interface metric, and the wanted lifetimes, metric
// and flags of an address (the kernel only shows what is left of them). Their
// active value lives in a table in memory that falls back to the store; the
// table is mirrored in the volatile store (props_values.cc), so a *temporary*
// value survives a daemon restart, and is forgotten when the object is
// disabled (forget_if / forget_addr).
//
// Properties shared by several protocols on Linux (port ranges, buffer
// sizes) are persisted once, under the first protocol of their group
// (props_impl.h), so every protocol shows the same value.
//
// Thread rules: no locking of its own. REQUIRES (every method): the caller
// (core::Service) holds the service lock. Nothing here logs.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "common/objects.h"
#include "common/status.h"
#include "core/aobjmap.h"
#include "ipmgmt.pb.h"
#include "netlink/kernel.h"
#include "store/store.h"

namespace ipadm::core {

namespace props {
struct ProtoProp;
struct IfProp;
struct IfCtx;
struct AddrProp;
struct AddrWant;
}  // namespace props

// The address-property letters of show-addr (spec 2.4).
struct AddrPropFlags {
  bool private_now = false;         // CURRENT 'p'
  bool private_persistent = false;  // PERSISTENT 'p'
  bool deprecated_persistent = false;  // PERSISTENT 'd'
};

class PropService {
 public:
  PropService(netlink::Kernel& kernel, store::Store& store, AddrObjMap& map)
      : kernel_(kernel), store_(store), map_(map) {}

  // set-prop / set-ifprop / set-addrprop and their reset-* forms.
  Status set(const rpc::SetPropReq& req);
  // Import: whether record r could be made persistent by set-prop,
  // set-ifprop or set-addrprop, by the same checks, whatever the state of
  // the object in the running system. addr: the object of an address
  // property, built from its import record (nullptr: none); link_mtu: the
  // IPv4 MTU the same import gives r.ifname (the bound of the IPv6 MTU),
  // else the link's (no bound when the link does not exist). Returns the
  // value normalized, or the error set-prop would report.
  Result<std::string> check_persistent(const store::PropRecord& r, const AddrObj* addr,
                                       std::optional<uint32_t> link_mtu);
  // show-prop / show-ifprop / show-addrprop. Rows that cannot be read carry
  // PropInfo.error; the call itself fails only for a bad request or a
  // missing object.
  Result<rpc::ShowPropReply> show(const rpc::ShowPropReq& req);

  // Daemon start-up: re-applies every persisted protocol property to the
  // kernel (active only; extra_priv_ports is merged into the kernel list).
  // Each failure is appended as "proto/prop: message"; none is fatal.
  void apply_persisted_proto_props(std::vector<std::string>* failures);
  // enable-if / boot restore: forgets the temporary values of ifname and its
  // addresses, then re-applies its persisted interface properties (IPv4 MTU
  // before IPv6 MTU). Failures appended as "ifname:proto/prop: message".
  // REQUIRES: IPv6 already enabled on the link when it is to be used; call
  // before the addresses are built (they read the interface metric).
  void apply_persisted_if_props(const std::string& ifname, std::vector<std::string>* failures);
  // Fills the optional fields of req (preferred/valid lifetime,
  // noprefixroute, route_metric) from o's active/persisted address
  // properties and its interface's metric. Leaves the rest of req alone.
  void decorate_addr_request(const AddrObj& o, netlink::AddrRequest* req);

  // Call just before o's address leaves the kernel (delete-addr, down-addr,
  // disable-addr/-if, delete-if): an IPv6 address with a finite
  // valid_lifetime is made permanent first, otherwise Linux keeps its prefix
  // route until that route expires. Best effort, never fails; a no-op for
  // every other address.
  void prepare_addr_removal(const AddrObj& o);

  // Drops the in-memory (temporary) values of an interface and all its
  // addresses, or of one address. Call when the object is deleted or
  // disabled.
  void forget_if(const std::string& ifname);
  void forget_addr(const std::string& aobjname);

  // reqhost of a DHCP object: the active value ("" = none), and the value
  // given at create-addr (-h).
  std::string reqhost(const std::string& aobjname);
  void remember_reqhost(const std::string& aobjname, const std::string& host);

  // Daemon start-up: the temporary values the previous instance kept
  // (AddrObjMap::loaded_values). Then sync_values() writes every change of
  // them to the map's mirror; set() and the forget_* calls do it themselves.
  void load_values(const std::map<std::string, std::string>& values);
  Status sync_values();
  // The rows sync_values() writes to the mirror (what load_values reads).
  std::map<std::string, std::string> values() const { return encode_values_(); }

  // For show-addr's flag letters.
  AddrPropFlags addr_prop_flags(const std::string& aobjname);

  // enable-if / boot restore: while a PrefetchScope lives, the persisted
  // interface and address properties that decorate_addr_request reads come
  // from one read of the props table, not from several store queries per
  // address (each one a SQLite read transaction: lock, unlock, fstat).
  // Scopes nest; the outermost one reads. REQUIRES: the service lock, and no
  // property written to the store while a scope lives.
  // While a PrefetchScope lives: true when no address object has a
  // persisted or temporary property (every AddrPropFlags is then false).
  bool no_addr_props() const {
    return prefetched_ && prefetched_->addrs.empty() && addr_values_.empty();
  }
  class PrefetchScope {
   public:
    explicit PrefetchScope(PropService& p) : p_(p) { p_.prefetch_begin_(); }
    ~PrefetchScope() { p_.prefetch_end_(); }
    PrefetchScope(const PrefetchScope&) = delete;
    PrefetchScope& operator=(const PrefetchScope&) = delete;

   private:
    PropService& p_;
  };

 private:
  void prefetch_begin_();
  void prefetch_end_();
  // The persisted properties of an interface (aobjname empty) or of an
  // address: from the prefetch when one is active, else from the store.
  Result<std::vector<store::PropRecord>> persisted_if_props_(const std::string& ifname);
  Result<std::vector<store::PropRecord>> persisted_addr_props_(const std::string& aobjname);

  struct KindOps;  // handlers of one object_kind (props.cc)
  static const KindOps* kind_ops_(const std::string& kind);

  // ---- protocol properties (props_proto.cc) ----
  Status set_proto_(const rpc::SetPropReq& req);
  Status check_one_port_(const props::ProtoProp& p, const std::string& v, int op);
  Status show_proto_(const rpc::ShowPropReq& req, rpc::ShowPropReply* reply);
  void proto_row_(const props::ProtoProp& p, uint32_t proto,
                  const std::vector<store::PropRecord>& recs, rpc::PropInfo* row);
  Result<std::string> proto_current_(const props::ProtoProp& p);
  // Writes value v of p to the kernel (op: 0 set, 1 add to, 2 remove from
  // a list). On failure undoes its own writes; on success *undo holds the
  // (path, old text) pairs that proto_undo_ restores.
  Status proto_write_(const props::ProtoProp& p, const std::string& v, int op,
                      std::vector<std::pair<std::string, std::string>>* undo);
  void proto_undo_(const std::vector<std::pair<std::string, std::string>>& undo);
  Status apply_proto_record_(const store::PropRecord& r);

  // ---- interface properties (props_if.cc) ----
  Status set_if_(const rpc::SetPropReq& req);
  Status show_if_(const rpc::ShowPropReq& req, rpc::ShowPropReply* reply);
  void if_row_(const props::IfProp& p, const std::string& ifname, uint32_t fam,
               const std::vector<store::PropRecord>& recs, rpc::PropInfo* row);
  Result<props::IfCtx> if_ctx_(const std::string& ifname, uint32_t fam);
  // An address whose route metric follows an interface property change.
  struct Remetric;
  // Puts value into the kernel or the active table (is_default: a reset,
  // recorded as "") and, if p asks for it, re-sets the route metric of the
  // family's managed, up addresses (listed in *moved). Undoes itself on
  // failure.
  Status if_apply_(const props::IfProp& p, props::IfCtx& c, const std::string& value,
                   bool is_default, std::vector<Remetric>* moved);
  void undo_remetric_(const std::vector<Remetric>& moved);
  // The active value of a property ipadm keeps: in-memory, else the store.
  std::optional<std::string> if_active_(const std::string& ifname, uint32_t fam,
                                        const char* name);

  // ---- address properties (props_addr.cc) ----
  Status set_addr_(const rpc::SetPropReq& req);
  Status show_addr_(const rpc::ShowPropReq& req, rpc::ShowPropReply* reply);
  void addr_row_(const props::AddrProp& p, const AddrObj& o, const netlink::Addr* kernel_addr,
                 const std::vector<store::PropRecord>& recs, rpc::PropInfo* row);
  Status set_prefixlen_(const AddrObj& o, const std::string& value, bool temporary,
                        bool reset);
  // The state o's address should have, with name=value overriding if given.
  props::AddrWant addr_want_(const AddrObj& o, const char* name = nullptr,
                             const std::string* value = nullptr);
  std::optional<std::string> addr_active_(const AddrObj& o, const char* name);
  std::optional<std::string> addr_persisted_(const std::string& aobjname, const char* name);
  // Takes o's kernel address from state `from` to `to`: in place
  // (RTM_NEWADDR replace) or, when readd (or IPv6 dropping its metric to 0,
  // which a replace cannot do), by deleting and adding it (the old one back
  // on failure). Works around Linux's IPv6 prefix routes with an expiry.
  Status addr_rewrite_(const AddrObj& o, const props::AddrWant& from,
                       const props::AddrWant& to, bool readd);
  // Deletes o's kernel address, in state w, with its prefix route (absent:
  // OK).
  Status addr_remove_(const AddrObj& o, int ifindex, const props::AddrWant& w);

  netlink::Kernel& kernel_;
  store::Store& store_;
  AddrObjMap& map_;

  // Active values ipadm keeps itself ("" after a reset: the default, not the
  // store's value). Interface: (ifname, family bit, name).
  std::map<std::tuple<std::string, uint32_t, std::string>, std::string> if_values_;
  // Address: (aobjname, name) -> value, valid while the object keeps the
  // local address it had when set.
  struct AddrValue {
    IpAddr local;
    std::string value;
  };
  std::map<std::pair<std::string, std::string>, AddrValue> addr_values_;
  // What the mirror holds (props_values.cc).
  std::map<std::string, std::string> encode_values_() const;
  std::map<std::string, std::string> synced_;

  // PrefetchScope: the props table by interface (interface properties) and
  // by address object; absent when no scope lives or the read failed.
  struct Prefetched {
    std::map<std::string, std::vector<store::PropRecord>> ifs, addrs;
  };
  std::optional<Prefetched> prefetched_;
  int prefetch_depth_ = 0;
  // What the kernel had before ipadm first changed it, the DEFAULT of
  // values Linux does not fix: the IPv4 (link) MTU of an interface, and
  // tcp_congestion_control (a namespace inherits the host's). Mirrored with
  // the temporary values, so a daemon restart keeps them; a reboot starts
  // from what the kernel then has.
  std::map<std::string, uint32_t> base_mtu_;
  std::optional<std::string> base_cc_;
  // The DEFAULT of p (props_proto_value.cc default_value, or base_cc_).
  std::string proto_default_(const props::ProtoProp& p);
  void follow_mtu6_(const std::string& ifname, store::Batch* batch);
};

}  // namespace ipadm::core
