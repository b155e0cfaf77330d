// ipadm wait-online [-t SECONDS] [IFNAME | AOBJNAME ...]: waits until every
// enabled persistent object (or the named ones) is usable, for
// network-online.target (ipadm-wait-online.service).
//
// The daemon answers a readiness snapshot (Service::wait_online, rules in
// core/readiness.h) and never blocks; this command polls it every kPoll
// until everything is ready (exit 0) or the timeout has passed (exit 1,
// naming each object that is not ready and why). The first answer comes
// at once, so -t 0 checks once.
#include <charconv>
#include <chrono>
#include <thread>

#include "cli/commands.h"

namespace ipadm::cli {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPoll = std::chrono::milliseconds(200);
constexpr long kDefaultTimeout = 120;     // seconds, like systemd-networkd-wait-online
constexpr long kMaxTimeout = 24L * 3600;  // longer is surely a typo

// SECONDS: decimal digits only, at most kMaxTimeout.
std::optional<long> parse_timeout(const std::string& text) {
  long v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < 0 ||
      v > kMaxTimeout)
    return std::nullopt;
  return v;
}

// Prints the objects not ready; returns how many.
int report_pending(Ctx& ctx, const rpc::WaitOnlineReply& r) {
  int n = 0;
  for (const rpc::ObjOnline& o : r.objs()) {
    if (o.ready()) continue;
    ctx.err << "ipadm: " << o.name() << ": not online (" << o.reason() << ")\n";
    ++n;
  }
  return n;
}

bool all_ready(const rpc::WaitOnlineReply& r) {
  for (const rpc::ObjOnline& o : r.objs())
    if (!o.ready()) return false;
  return true;
}

}  // namespace

int cmd_wait_online(Ctx& ctx, int argc, char** argv) {
  static constexpr OptDef kOpts[] = {{'t', "timeout", true}};
  auto args = ctx.parse(argc, argv, kOpts);
  if (!args) return 1;
  long timeout = kDefaultTimeout;
  if (args->has('t')) {
    auto t = parse_timeout(args->value('t'));
    if (!t) return ctx.fail("invalid timeout value '" + echoed(args->value('t')) + "'");
    timeout = *t;
  }
  const auto deadline = Clock::now() + std::chrono::seconds(timeout);
  for (;;) {
    auto r = ctx.backend().wait_online(args->operands);
    if (!r) {
      const Status& st = r.status();
      // An unknown or invalid name: the daemon's detail names it.
      if (!st.detail().empty() && st.code() != Errc::IpcError)
        return ctx.report(Status(st.code()), "Could not wait for " + echoed(st.detail()));
      return ctx.report(st, "Could not wait for network-online");
    }
    if (all_ready(*r)) return 0;
    auto now = Clock::now();
    if (now >= deadline) {
      int pending = report_pending(ctx, *r);
      return ctx.fail("timed out after " + std::to_string(timeout) + " second(s): " +
                      std::to_string(pending) + " of " + std::to_string(r->objs_size()) +
                      " object(s) not online");
    }
    std::this_thread::sleep_for(std::min<Clock::duration>(kPoll, deadline - now));
  }
}

}  // namespace ipadm::cli
