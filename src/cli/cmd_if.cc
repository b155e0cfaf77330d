// Interface subcommands: create-if (create-ip), delete-if (delete-ip),
// enable-if, disable-if, show-if.
#include "cli/commands.h"

namespace ipadm::cli {

namespace {
constexpr OptDef kTempOpt[] = {{'t', "temporary", false}};

// show-if columns (spec 2.4) in illumos order, CLASS and OVER as illumos
// 2021+ has them (-o all shows them; the default stays the classic four).
// JSON keys: the columns plus ifindex, mtu.
constexpr FieldDef kIfFields[] = {{"ifname", 11},  {"class", 10},      {"state", 9},
                                  {"current", 13}, {"persistent", 11}, {"over", 30}};
constexpr std::string_view kIfDefault = "ifname,state,current,persistent";
constexpr OptDef kShowIfOpts[] = {{'p', "parsable", false}, {'o', "output", true}};

// enable-if / disable-if: only the temporary form exists.
int toggle_if(Ctx& ctx, int argc, char** argv, bool enable) {
  auto args = ctx.parse(argc, argv, kTempOpt);
  if (!args) return 1;
  if (args->operands.size() != 1) return ctx.usage_error();
  std::string sub(ctx.cmd.name);
  if (!args->has('t')) return ctx.fail("persistent operation not supported for " + sub);
  const std::string& ifname = args->operands[0];
  Status s = enable ? ctx.backend().enable_if(ifname) : ctx.backend().disable_if(ifname);
  // illumos: "Could not enable IF : ..." but "Could not disable IF: ...".
  return ctx.report(s, std::string("Could not ") + (enable ? "enable " : "disable ") + echoed(ifname),
                    enable ? " : " : ": ");
}
}  // namespace

int cmd_create_if(Ctx& ctx, int argc, char** argv) {
  auto args = ctx.parse(argc, argv, kTempOpt);
  if (!args) return 1;
  if (args->operands.size() != 1) return ctx.usage_error();
  const std::string& ifname = args->operands[0];
  return ctx.report(ctx.backend().create_if(ifname, args->has('t')), "Could not create " + echoed(ifname),
                    " : ");
}

int cmd_delete_if(Ctx& ctx, int argc, char** argv) {
  auto args = ctx.parse(argc, argv, {});
  if (!args) return 1;
  if (args->operands.size() != 1) return ctx.usage_error();
  const std::string& ifname = args->operands[0];
  return ctx.report(ctx.backend().delete_if(ifname), "Could not delete " + echoed(ifname));
}

int cmd_enable_if(Ctx& ctx, int argc, char** argv) { return toggle_if(ctx, argc, argv, true); }
int cmd_disable_if(Ctx& ctx, int argc, char** argv) { return toggle_if(ctx, argc, argv, false); }

int cmd_show_if(Ctx& ctx, int argc, char** argv) {
  auto args = ctx.parse(argc, argv, kShowIfOpts, true);
  if (!args) return 1;
  if (args->operands.size() > 1) return ctx.usage_error();
  auto spec = ctx.output_spec(*args, 'p', kIfFields, kIfDefault);
  if (!spec) return 1;
  std::string ifname = args->operands.empty() ? "" : args->operands[0];
  auto reply = ctx.backend().show_if(ifname);
  if (!reply) return ctx.report(reply.status(), "Could not get interface(s)");
  std::vector<Row> rows;
  for (const rpc::IfInfo& i : reply->ifs()) {
    Row r;
    r["ifname"] = i.ifname();
    r["class"] = i.ifclass();
    r["state"] = i.state();
    r["current"] = i.current();
    r["persistent"] = i.persistent();
    r["over"] = i.over();
    r["ifindex"] = i.ifindex();
    r["mtu"] = i.mtu();
    rows.push_back(std::move(r));
  }
  spec->print(ctx.out, rows);
  return 0;
}

}  // namespace ipadm::cli
