// Enabling a persistent interface from the store: the one mechanism behind
// enable-if, boot restore (`ipadm restore`) and hotplug (link_appeared).
//
// Service::IfEnable is one run of it. Every address object of the
// interface is one PendingAddr -- its object, its state and, once the
// kernel holds its address because of us, its undo (the address is deleted
// again) -- and the run goes through fixed stages:
//   plumb   link plumbing (LinkChanges) and interface properties;
//   build   the store is read, each object built; up static and addrconf
//           addresses go to the kernel in pipelined batches while the link
//           is still down (the kernel adds them much faster so), on the
//           feeder's thread, while the map mirror rows are written on
//           another;
//   settle  the kernel's answers; link up; IPv6 addresses the kernel
//           dropped at link up are sent once more, else the object fails;
//   commit  the interface row; then IPv4 DAD probes, DHCP clients, the
//           delegation and the persistent routes of the interface
//           (apply_routes_locked_), which never undo the enable.
// Until commit, a failure undoes everything the run did, newest first:
// addresses it added (never one it found there: Exists adopts), map and
// mirror rows, link changes. Objects that cannot be applied are skipped
// and reported (state kFailed, shown disabled, name reserved): the result
// is then the soft error AllAddrsNotEnabled.
#include <sys/socket.h>

#include <functional>
#include <future>
#include <set>

#include "core/batch_feeder.h"
#include "core/quiet_scope.h"
#include "core/service.h"

namespace ipadm::core {

namespace {


}  // namespace

class Service::IfEnable {
 public:
  IfEnable(Service& svc, const store::IfRecord& prec, int ifindex, rpc::RestoreReply* report)
      : s_(svc), prec_(prec), idx_(ifindex), report_(report) {}
  ~IfEnable() {
    if (!committed_) undo_();
  }

  Status run() {
    PropService::PrefetchScope prefetch(s_.props_);  // one props read, not several per address
    QuietScope quiet(s_.quiet_);  // no event per address meanwhile (kernel_follow.h)
    IPADM_TRY(plumb_());
    IPADM_TRY(build_());
    IPADM_TRY(settle_());
    IPADM_TRY(commit_());
    after_commit_();
    if (report_) {
      report_->set_interfaces(report_->interfaces() + 1);
      report_->set_addresses(report_->addresses() + added_);
    }
    return some_failed_ ? Status(Errc::AllAddrsNotEnabled) : Status::ok();
  }

 private:
  // The state of one address object in this run. The objects themselves
  // are in objs_ (index-aligned), the form the map takes in one batch.
  struct PendingAddr {
    enum class State {
      kFailed,   // not applied (reported): known, not active
      kHeld,     // active, nothing sent: a down address, or a DHCP lease to come
      kSent,     // its address is in a kernel batch
      kAdded,    // the kernel holds its address because of us: undo deletes it
      kAdopted,  // the kernel already held it (Exists): never deleted
    };
    State state = State::kHeld;
    bool client = false;  // a DHCP/DHCPv6 client starts once the link is up
  };
  using State = PendingAddr::State;

  Status plumb_() {
    auto v6 = s_.plumb_link_locked_(prec_.ifname, idx_, &changes_);
    IPADM_TRY(v6);
    has_v6_ = *v6;
    std::vector<std::string> failures;
    s_.props_.apply_persisted_if_props(prec_.ifname, &failures);
    if (report_)
      for (auto& f : failures) report_->add_failed(f);
    return Status::ok();
  }

  // The object of store record r, sent to the feeder if it is up.
  void add_(store::AddrRecord&& r, BatchFeeder& feeder) {
    const bool dynamic = r.atype == AddrType::Dhcp || r.atype == AddrType::Addrconf;
    if (dynamic) feeder.drain();  // building them uses the kernel itself
    auto o = dynamic ? s_.dynamic_from_record_locked_(r)
                     : s_.build_static_locked_(r.aobjname, r.ifname, r.local, r.remote);
    // addrconf: SLAAC on before its link-local address is in the batch.
    if (o && r.atype == AddrType::Addrconf) {
      o->flags = kActive | kPersist;
      if (Status st = s_.start_addrconf_locked_(*o, idx_, false); !st) o = st;
    }
    PendingAddr p;
    if (!o) {
      AddrObj stub;  // known, not active: shows as disabled, name reserved
      stub.aobjname = r.aobjname;
      stub.ifname = r.ifname;
      stub.atype = r.atype;
      stub.flags = kPersist;
      stub.local_text = r.local;
      stub.remote_text = r.remote;
      stub.up = r.up;
      stub.extra = r.extra;
      push_(std::move(stub), p);
      fail_(objs_.size() - 1, o.status(), false);
      return;
    }
    o->flags = kActive | kPersist;
    if (r.atype == AddrType::Dhcp) {
      p.client = true;  // its client starts once the link is up
      push_(std::move(*o), p);
      return;
    }
    if (r.prefixlen > 0) {
      o->prefixlen = r.prefixlen;
      o->explicit_prefix = true;
    }
    o->up = r.up;
    p.client = r.atype == AddrType::Addrconf;  // DHCPv6, if a router asks for it
    if (o->up) {
      feeder.add(request_(*o));
      sent_.push_back(objs_.size());
      p.state = State::kSent;
      sent_v6_ |= o->family == AF_INET6;
    }
    push_(std::move(*o), p);
  }

  Status build_() {
    constexpr size_t kChunk = 256;
    BatchFeeder feeder(s_.kernel_, kChunk);
    Status read = s_.store_.each_addr(prec_.ifname, [&](store::AddrRecord&& r) {
      add_(std::move(r), feeder);
      return Status::ok();
    });
    // The objects' map-mirror rows are written on another thread while the
    // kernel adds the addresses (both cost CPU; see BENCHMARKS.md, Boot
    // restore). The interface row follows the kernel work: a crash in
    // between leaves the interface inactive in the mirror, so the next
    // restore redoes it, and reconcile meanwhile takes objects whose
    // address is not in the kernel as down. The memory map is updated on
    // that thread too (nothing else uses the map during the batch).
    std::future<Status> mirrored;
    if (read)
      mirrored = std::async(std::launch::async | std::launch::deferred, [this] {
        Status st = s_.map_.mirror_addrs(objs_);
        if (st) s_.map_.commit_addrs(objs_, &replaced_);
        return st;
      });
    std::vector<Status> results;
    Status batch = feeder.finish(&results);
    const bool mirroring = mirrored.valid();
    Status mirror = mirroring ? mirrored.get() : Status::ok();
    mirrored_ = mirroring && mirror.is_ok();
    mirror_tried_ = mirroring && !mirror.is_ok();
    // Only now (the mirror thread reads objs_) the kernel's answers; a
    // failed batch fails the run (undo), not its objects one by one.
    for (size_t n = 0; n < results.size(); ++n) {
      size_t i = sent_[n];
      if (results[n])
        state_[i].state = State::kAdded;
      else if (results[n].code() == Errc::Exists)
        state_[i].state = State::kAdopted;  // adopt it
      else if (batch)
        fail_(i, results[n], true);
    }
    IPADM_TRY(read);  // the store failed part-way: undo takes back what was sent
    IPADM_TRY(batch);
    return mirror;
  }

  Status settle_() {
    IPADM_TRY(changes_.set_up());
    // Linux can drop IPv6 addresses added while the link was down when it
    // comes up (kernel log: "Failed to add prefix route for address ...;
    // dropping": the routes are then allocated atomically, thousands at
    // once). The reply counts what the kernel holds: a dropped address is
    // added once more, now on the up link, else reported.
    if (sent_v6_) {
      auto now = s_.kernel_.addrs(AF_INET6, idx_);
      IPADM_TRY(now);
      std::set<std::pair<IpAddr, int>> have;
      for (const auto& a : *now) have.emplace(a.local, a.prefixlen);
      // In one pipelined batch: the kernel may have dropped thousands.
      std::vector<size_t> dropped;
      std::vector<netlink::AddrRequest> again;
      for (size_t i : sent_) {
        const AddrObj& o = objs_[i];
        if (state_[i].state != State::kAdded || o.family != AF_INET6 ||
            have.count({o.local, o.prefixlen}))
          continue;
        dropped.push_back(i);
        again.push_back(request_(o));
      }
      std::vector<Status> results;
      if (!again.empty()) IPADM_TRY(s_.kernel_.addr_add_batch(again, &results));
      for (size_t k = 0; k < dropped.size(); ++k) {
        const Status& st = k < results.size() ? results[k] : Status(Errc::Failure);
        if (!st && st.code() != Errc::Exists)
          fail_(dropped[k], Status(Errc::AddrNotAvail, "dropped by the kernel at link up"), true);
      }
    }
    // Objects that failed after the batch are rewritten: not active.
    std::vector<AddrObj> not_active;
    for (size_t i : failed_late_) not_active.push_back(objs_[i]);
    if (!not_active.empty()) {
      IPADM_TRY(s_.map_.mirror_addrs(not_active));
      s_.map_.commit_addrs(not_active);
    }
    for (size_t i = 0; i < state_.size(); ++i)
      if (state_[i].state == State::kAdded || state_[i].state == State::kAdopted) ++added_;
    return Status::ok();
  }

  Status commit_() {
    IPADM_TRY(s_.map_.put_if(
        IfObj{prec_.ifname, prec_.v4, prec_.v6 && has_v6_, kActive | kPersist, idx_}));
    committed_ = true;
    return Status::ok();
  }

  void after_commit_() {
    // IPv4 DAD in the background: enable-if and boot restore do not wait;
    // addresses found in use are taken back later (service_dad4.cc).
    if (s_.dad4_) {
      if (auto link = s_.kernel_.link_by_name(prec_.ifname)) {
        std::vector<Dad4Pending> probe;
        for (size_t i : sent_)
          if (state_[i].state == State::kAdded)
            if (auto p = s_.dad4_begin_locked_(objs_[i], *link)) probe.push_back(std::move(*p));
        s_.dad4_start_locked_(std::move(probe));
      }
    }
    for (size_t i = 0; i < objs_.size(); ++i) {
      if (!state_[i].client || !(objs_[i].flags & kActive)) continue;
      const AddrObj& o = objs_[i];
      Status st = o.atype == AddrType::Dhcp ? s_.start_dhcp_locked_(o) : s_.start_dhcp6_locked_(o);
      if (!st) note_(o.aobjname, st);  // the object stays: refresh-addr starts it again
    }
    if (auto d = s_.delegated_.find(prec_.ifname); d != s_.delegated_.end())
      if (!s_.apply_delegation_locked_(d->second, idx_, report_)) some_failed_ = true;
    // Routes last: their gateways are reachable through the addresses now in.
    const int before = report_ ? report_->failed_size() : 0;
    s_.apply_routes_locked_(prec_.ifname, report_, false);
    if (report_ && report_->failed_size() > before) some_failed_ = true;
  }

  // Undo of an uncommitted run, newest first: the addresses it added, the
  // map and mirror rows (memory first, the mirror follows it), the link.
  void undo_() {
    for (size_t n = sent_.size(); n-- > 0;) {
      size_t i = sent_[n];
      if (state_[i].state == State::kAdded) s_.kernel_.addr_del(request_(objs_[i])).ignore();
    }
    if (mirrored_) s_.map_.rollback_addrs(objs_, replaced_);
    if (mirrored_ || mirror_tried_) s_.map_.unmirror_addrs(objs_).ignore();
    changes_.revert();
  }

  netlink::AddrRequest request_(const AddrObj& o) {
    netlink::AddrRequest req = to_request(o, idx_);
    s_.props_.decorate_addr_request(o, &req);
    return req;
  }
  void push_(AddrObj o, PendingAddr p) {
    objs_.push_back(std::move(o));
    state_.push_back(p);
  }
  void note_(const std::string& aobjname, const Status& st) {
    some_failed_ = true;
    if (report_) report_->add_failed(aobjname + ": " + st.to_string());
  }
  // Object i is not applied: reported, kept known but not active. mapped:
  // its map row was written active already (rewritten in settle_).
  void fail_(size_t i, const Status& st, bool mapped) {
    note_(objs_[i].aobjname, st);
    if (mapped) failed_late_.push_back(i);
    state_[i].state = State::kFailed;
    objs_[i].flags = kPersist;
  }

  Service& s_;
  const store::IfRecord& prec_;
  const int idx_;
  rpc::RestoreReply* report_;
  LinkChanges changes_;
  std::vector<AddrObj> objs_;       // store order
  std::vector<PendingAddr> state_;  // state_[i]: of objs_[i]
  std::vector<size_t> sent_;        // feeder request n -> objs_[sent_[n]]
  std::vector<size_t> failed_late_; // failed after their map rows were written
  std::vector<std::optional<AddrObj>> replaced_;  // what commit_addrs replaced
  bool has_v6_ = false, sent_v6_ = false, some_failed_ = false;
  bool mirrored_ = false, mirror_tried_ = false, committed_ = false;
  uint32_t added_ = 0;
};

// Re-creates a persistent interface from the store (see the top of this
// file). `report` (optional) collects what was not applied.
Status Service::enable_if_locked_(const store::IfRecord& prec, rpc::RestoreReply* report) {
  auto idx = ifindex_locked_(prec.ifname);
  IPADM_TRY(idx);
  return IfEnable(*this, prec, *idx, report).run();
}

}  // namespace ipadm::core
