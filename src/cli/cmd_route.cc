// Route subcommands: create-route, delete-route, show-route (core/route.h
// has the rules; the daemon checks every option, the CLI only shapes them).
#include "cli/commands.h"

namespace ipadm::cli {

namespace {

constexpr OptDef kCreateRouteOpts[] = {
    {'t', "temporary", false}, {'m', "metric", true}, {'i', "interface", true},
    {'g', "gateway", true},
};
constexpr OptDef kDeleteRouteOpts[] = {
    {'m', "metric", true}, {'i', "interface", true}, {'g', "gateway", true}};
constexpr OptDef kShowRouteOpts[] = {{'p', "parsable", false}, {'o', "output", true}};

// show-route columns. JSON keys: the columns plus family (num: 4|6).
constexpr FieldDef kRouteFields[] = {{"destination", 20}, {"gateway", 26}, {"interface", 11},
                                     {"metric", 8},       {"type", 8},     {"state", 9},
                                     {"persistent", 10}};
constexpr std::string_view kRouteDefault =
    "destination,gateway,interface,metric,type,state,persistent";


}  // namespace

int cmd_create_route(Ctx& ctx, int argc, char** argv) {
  auto args = ctx.parse(argc, argv, kCreateRouteOpts);
  if (!args) return 1;
  if (args->operands.size() != 1) return ctx.usage_error();
  rpc::CreateRouteReq req;
  req.set_destination(args->operands[0]);
  req.set_gateway(args->value('g'));
  req.set_ifname(args->value('i'));
  req.set_metric(args->value('m'));
  req.set_temporary(args->has('t'));
  return ctx.report(ctx.backend().create_route(req),
                    "Could not create route " + echoed(req.destination()));
}

int cmd_delete_route(Ctx& ctx, int argc, char** argv) {
  auto args = ctx.parse(argc, argv, kDeleteRouteOpts);
  if (!args) return 1;
  if (args->operands.size() != 1) return ctx.usage_error();
  rpc::DeleteRouteReq req;
  req.set_destination(args->operands[0]);
  req.set_gateway(args->value('g'));
  req.set_ifname(args->value('i'));
  req.set_metric(args->value('m'));
  return ctx.report(ctx.backend().delete_route(req),
                    "Could not delete route " + echoed(req.destination()));
}

int cmd_show_route(Ctx& ctx, int argc, char** argv) {
  auto args = ctx.parse(argc, argv, kShowRouteOpts, true);
  if (!args) return 1;
  if (args->operands.size() > 1) return ctx.usage_error();
  auto spec = ctx.output_spec(*args, 'p', kRouteFields, kRouteDefault);
  if (!spec) return 1;
  std::string ifname = args->operands.empty() ? "" : args->operands[0];
  auto reply = ctx.backend().show_route(ifname);
  if (!reply) return ctx.report(reply.status(), "Could not get routes");
  std::vector<Row> rows;
  for (const rpc::RouteInfo& i : reply->routes()) {
    Row r;
    r["destination"] = i.destination();
    r["gateway"] = i.gateway();
    r["interface"] = i.ifname();
    r["metric"] = i.metric();
    r["type"] = i.type();
    r["state"] = i.state();
    r["persistent"] = i.persistent();
    r["family"] = i.family();
    rows.push_back(std::move(r));
  }
  spec->print(ctx.out, rows);
  return 0;
}

}  // namespace ipadm::cli
