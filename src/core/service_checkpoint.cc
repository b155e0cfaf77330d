// ipadm checkpoint / commit / rollback / show-checkpoint (contracts in
// service.h; the state and the planning in core/checkpoint.h).
//
// Lock order: ckpt_mu_, then mu_. A rollback holds ckpt_mu_ throughout and
// runs each planned request through the public handler a client would reach
// (each takes mu_ itself: DAD and DHCP waits release it as for a client), so
// a write by another client may land between two steps; it is covered by
// the next phase's fresh look at the state, not undone afterwards.
#include <chrono>

#include "core/checkpoint.h"
#include "core/service.h"
#include "store/conf_import.h"

namespace ipadm::core {

namespace {

// The wall clock, in whole seconds (CLOCK_REALTIME, as the timer's
// system_clock; time() reads a coarser clock that may lag it).
int64_t system_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status none_pending() { return Status(Errc::NotFound, "no checkpoint is pending"); }

// A soft result of a handler (the request did its part).
bool soft(const Status& s) {
  return s.is_ok() || s.code() == Errc::AllAddrsNotEnabled || s.code() == Errc::DhcpIpcTimeout;
}

// "create-addr net0/v4", for the log of a failed step.
std::string describe(const rpc::Request& r) {
  using R = rpc::Request;
  switch (r.body_case()) {
    case R::kCreateIf: return "create-if " + r.create_if().ifname();
    case R::kDeleteIf: return "delete-if " + r.delete_if().ifname();
    case R::kEnableIf: return "enable-if " + r.enable_if().ifname();
    case R::kDisableIf: return "disable-if " + r.disable_if().ifname();
    case R::kCreateAddr: return "create-addr " + r.create_addr().aobjname();
    case R::kDeleteAddr: return "delete-addr " + r.delete_addr().aobjname();
    case R::kUpAddr: return "up-addr " + r.up_addr().aobjname();
    case R::kDownAddr: return "down-addr " + r.down_addr().aobjname();
    case R::kEnableAddr: return "enable-addr " + r.enable_addr().aobjname();
    case R::kDisableAddr: return "disable-addr " + r.disable_addr().aobjname();
    case R::kSetProp: return "set-prop " + r.set_prop().object() + " " + r.set_prop().name();
    case R::kCreateRoute: return "create-route " + r.create_route().destination();
    case R::kDeleteRoute: return "delete-route " + r.delete_route().destination();
    default: return "request " + std::to_string(r.body_case());
  }
}

}  // namespace

int64_t Service::wall_now_() const { return clock_ ? clock_() : system_seconds(); }

Status Service::apply_planned_(const rpc::Request& r) {
  using R = rpc::Request;
  switch (r.body_case()) {
    case R::kCreateIf: return create_if(r.create_if());
    case R::kDeleteIf: return delete_if(r.delete_if());
    case R::kEnableIf: return enable_if(r.enable_if());
    case R::kDisableIf: return disable_if(r.disable_if());
    case R::kCreateAddr: return create_addr(r.create_addr());
    case R::kDeleteAddr: return delete_addr(r.delete_addr());
    case R::kUpAddr: return up_addr(r.up_addr());
    case R::kDownAddr: return down_addr(r.down_addr());
    case R::kEnableAddr: return enable_addr(r.enable_addr());
    case R::kDisableAddr: return disable_addr(r.disable_addr());
    case R::kSetProp: return set_prop(r.set_prop());
    case R::kCreateRoute: return create_route(r.create_route());
    case R::kDeleteRoute: return delete_route(r.delete_route());
    default: return Status(Errc::NotSup, describe(r));
  }
}

Result<CheckpointState> Service::capture_locked_() {
  CheckpointState s;
  auto conf = store::snapshot_of(store_);
  IPADM_TRY(conf);
  s.conf = std::move(*conf);
  for (const auto& [name, o] : map_.ifs()) s.ifs.push_back(o);
  for (const auto& [name, o] : map_.addrs()) s.addrs.push_back(o);
  // The writable properties of the protocols and of the active objects.
  std::vector<std::pair<std::string, std::string>> objects = {{"proto", ""}};
  for (const IfObj& i : s.ifs)
    if (i.flags & kActive) objects.emplace_back("if", i.ifname);
  for (const AddrObj& o : s.addrs)
    if ((o.flags & kActive) && o.atype != AddrType::FromGz) objects.emplace_back("addr", o.aobjname);
  for (const auto& [kind, object] : objects) {
    rpc::ShowPropReq req;
    req.set_object_kind(kind);
    req.set_object(object);
    auto rows = props_.show(req);
    if (!rows) continue;  // an object that cannot be read has nothing to put back
    for (const rpc::PropInfo& p : rows->props())
      if (p.error() == 0 && p.perm().find('w') != std::string::npos)
        s.props.push_back({kind, p.object(), kind == "addr" ? "" : p.protocol(), p.name(),
                           p.current()});
  }
  // ipadm's routes in the kernel, as typed.
  auto routes = active_routes_locked_();
  IPADM_TRY(routes);
  for (const auto& [r, temporary] : *routes) s.routes.push_back({to_record(r), temporary});
  return s;
}

Status Service::restore_conf_locked_(const store::ConfSnapshot& conf) {
  auto cur = store::snapshot_of(store_);
  IPADM_TRY(cur);
  store::Batch batch = store::to_replace_batch(*cur, conf);
  batch.add(store::DelCheckpoint{});
  IPADM_TRY(store_.apply(batch));
  IPADM_TRY(adopt_imported_locked_(conf));
  return reconcile_locked_();
}

Status Service::rollback_to_(const CheckpointState& want) {
  using Plan = std::vector<rpc::Request> (*)(const CheckpointState&, const CheckpointState&);
  for (Plan plan : {&plan_removals, &plan_interfaces, &plan_creations, &plan_values}) {
    Result<CheckpointState> now = [&] {
      std::lock_guard lock(mu_);
      return capture_locked_();
    }();
    IPADM_TRY(now);
    for (const rpc::Request& r : plan(want, *now))
      if (Status s = apply_planned_(r); !soft(s) && rollback_log_)
        rollback_log_(describe(r) + ": " + s.to_string());
  }
  std::lock_guard lock(mu_);
  return restore_conf_locked_(want.conf);
}

Result<rpc::CheckpointReply> Service::checkpoint(const rpc::CheckpointReq& req) {
  const uint32_t secs = req.seconds() ? req.seconds() : kCheckpointDefaultSeconds;
  if (secs > kCheckpointMaxSeconds)
    return Status(Errc::ERange, "a checkpoint lasts at most " +
                                    std::to_string(kCheckpointMaxSeconds) + " seconds");
  std::lock_guard ck(ckpt_mu_);
  store::CheckpointRecord rec;
  {
    std::lock_guard lock(mu_);
    auto pending = store_.saved_checkpoint();
    IPADM_TRY(pending);
    if (pending->has_value())
      return Status(Errc::Exists, "a checkpoint is already pending; commit or roll it back first");
    auto state = capture_locked_();
    IPADM_TRY(state);
    rec.started = wall_now_();
    rec.deadline = rec.started + secs;
    rec.snapshot = encode_checkpoint(*state);
    IPADM_TRY(store_.apply(store::Batch().add(store::PutCheckpoint{rec})));
  }
  if (ckpt_timer_) ckpt_timer_(rec.deadline);
  rpc::CheckpointReply reply;
  reply.set_started(rec.started);
  reply.set_deadline(rec.deadline);
  return reply;
}

Status Service::commit(const rpc::CommitReq&) {
  std::lock_guard ck(ckpt_mu_);
  {
    std::lock_guard lock(mu_);
    auto pending = store_.saved_checkpoint();
    IPADM_TRY(pending);
    if (!pending->has_value()) return none_pending();
    IPADM_TRY(store_.apply(store::Batch().add(store::DelCheckpoint{})));
  }
  if (ckpt_timer_) ckpt_timer_(std::nullopt);
  return Status::ok();
}

Status Service::rollback(const rpc::RollbackReq&) { return rollback_(); }

Status Service::rollback_() {
  std::lock_guard ck(ckpt_mu_);
  Result<std::optional<store::CheckpointRecord>> pending = [&] {
    std::lock_guard lock(mu_);
    return store_.saved_checkpoint();
  }();
  IPADM_TRY(pending);
  if (!pending->has_value()) return none_pending();
  auto want = decode_checkpoint((*pending)->snapshot);
  IPADM_TRY(want);
  Status s = rollback_to_(*want);
  if (s && ckpt_timer_) ckpt_timer_(std::nullopt);
  return s;
}

Result<rpc::ShowCheckpointReply> Service::show_checkpoint(const rpc::ShowCheckpointReq&) {
  std::lock_guard lock(mu_);
  auto pending = store_.saved_checkpoint();
  IPADM_TRY(pending);
  rpc::ShowCheckpointReply reply;
  if (!pending->has_value()) return reply;
  const int64_t now = wall_now_();
  reply.set_pending(true);
  reply.set_started((*pending)->started);
  reply.set_deadline((*pending)->deadline);
  reply.set_left(std::max<int64_t>(0, (*pending)->deadline - now));
  return reply;
}

void Service::expire_checkpoint() {
  {
    std::lock_guard ck(ckpt_mu_);
    std::optional<int64_t> early;
    {
      std::lock_guard lock(mu_);
      auto pending = store_.saved_checkpoint();
      if (!pending || !pending->has_value()) return;
      if ((*pending)->deadline > wall_now_()) early = (*pending)->deadline;
    }
    if (early) {  // fired before the deadline (a clock step): wait again
      if (ckpt_timer_) ckpt_timer_(early);
      return;
    }
  }
  if (Status s = rollback_(); !s && rollback_log_)
    rollback_log_("checkpoint rollback: " + s.to_string());
}

Status Service::resume_checkpoint(bool new_boot) {
  std::optional<store::CheckpointRecord> rec;
  {
    std::lock_guard ck(ckpt_mu_);
    std::lock_guard lock(mu_);
    auto pending = store_.saved_checkpoint();
    IPADM_TRY(pending);
    if (!pending->has_value()) return Status::ok();
    if (new_boot) {
      auto want = decode_checkpoint((*pending)->snapshot);
      IPADM_TRY(want);
      return restore_conf_locked_(want->conf);
    }
    rec = **pending;
  }
  const int64_t now = wall_now_();
  if (rec->deadline <= now) return rollback_();
  if (ckpt_timer_) ckpt_timer_(rec->deadline);
  return Status::ok();
}

}  // namespace ipadm::core
