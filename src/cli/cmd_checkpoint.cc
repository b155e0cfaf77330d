// Checkpoint subcommands: checkpoint [-t SECONDS], commit, rollback,
// show-checkpoint (ipadm(8), CHECKPOINTS). The daemon keeps the checkpoint
// and rolls back by itself when it expires.
#include <ctime>

#include "cli/commands.h"
#include "cli/ofmt.h"

namespace ipadm::cli {

namespace {

// HH:MM:SS of a wall-clock time, local time.
std::string clock_text(int64_t t) {
  time_t tt = static_cast<time_t>(t);
  struct tm tm {};
  localtime_r(&tt, &tm);
  char buf[16];
  strftime(buf, sizeof buf, "%H:%M:%S", &tm);
  return buf;
}

constexpr FieldDef kCkptFields[] = {
    {"state", 9}, {"started", 10}, {"expires", 10}, {"left", 6}};
constexpr std::string_view kCkptDefault = "state,started,expires,left";
constexpr OptDef kShowOpts[] = {{'p', "parsable", false}, {'o', "output", true}};
constexpr OptDef kCkptOpts[] = {{'t', "timeout", true}};

}  // namespace

int cmd_checkpoint(Ctx& ctx, int argc, char** argv) {
  auto args = ctx.parse(argc, argv, kCkptOpts);
  if (!args) return 1;
  if (!args->operands.empty()) return ctx.usage_error();
  rpc::Request q;
  if (args->has('t')) {
    const std::string v = args->value('t');
    char* end = nullptr;
    errno = 0;
    unsigned long n = std::strtoul(v.c_str(), &end, 10);
    if (v.empty() || v[0] == '-' || *end != '\0' || errno != 0 || n == 0 || n > 0xffffffffUL)
      return ctx.fail("invalid timeout '" + v + "': a number of seconds is expected");
    q.mutable_checkpoint()->set_seconds(static_cast<uint32_t>(n));
  } else {
    q.mutable_checkpoint();
  }
  auto r = ctx.backend().call(std::move(q));
  if (!r) return ctx.report(r.status(), "Could not start a checkpoint");
  ctx.err << "ipadm: checkpoint started: an uncommitted change will be undone at "
          << clock_text(r->checkpoint().deadline()) << " (ipadm commit keeps it)\n";
  return 0;
}

namespace {

// commit / rollback: no option, no operand, one request.
int end_checkpoint(Ctx& ctx, int argc, char** argv, bool commit) {
  auto args = ctx.parse(argc, argv, {});
  if (!args) return 1;
  if (!args->operands.empty()) return ctx.usage_error();
  rpc::Request q;
  if (commit)
    q.mutable_commit();
  else
    q.mutable_rollback();
  return ctx.report(ctx.backend().call(std::move(q)).status(),
                    commit ? "Could not commit" : "Could not roll back");
}

}  // namespace

int cmd_commit(Ctx& ctx, int argc, char** argv) { return end_checkpoint(ctx, argc, argv, true); }
int cmd_rollback(Ctx& ctx, int argc, char** argv) {
  return end_checkpoint(ctx, argc, argv, false);
}

int cmd_show_checkpoint(Ctx& ctx, int argc, char** argv) {
  auto args = ctx.parse(argc, argv, kShowOpts, true);
  if (!args) return 1;
  if (!args->operands.empty()) return ctx.usage_error();
  auto spec = ctx.output_spec(*args, 'p', kCkptFields, kCkptDefault);
  if (!spec) return 1;
  rpc::Request q;
  q.mutable_show_checkpoint();
  auto r = ctx.backend().call(std::move(q));
  if (!r) return ctx.report(r.status(), "Could not get the checkpoint");
  std::vector<Row> rows;
  if (const rpc::ShowCheckpointReply& c = r->show_checkpoint(); c.pending()) {
    Row row;
    row["state"] = "pending";
    row["started"] = clock_text(c.started());
    row["expires"] = clock_text(c.deadline());
    row["left"] = c.left();
    row["deadline"] = c.deadline();
    rows.push_back(std::move(row));
  }
  spec->print(ctx.out, rows);
  return 0;
}

}  // namespace ipadm::cli
