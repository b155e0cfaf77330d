// Address subcommands: create-addr, delete-addr, show-addr and the
// per-object operations up-/down-/enable-/disable-/refresh-addr.
#include "cli/commands.h"
#include "common/addr_extra.h"
#include "common/names.h"

namespace ipadm::cli {

namespace {

constexpr OptDef kCreateOpts[] = {
    {'t', "temporary", false}, {'T', "type", true},          {'d', "down", false},
    {'a', "address", true},    {'w', "wait", true},          {'1', "primary", false},
    {'h', "reqhost", true},    {'i', "interface-id", true},  {'p', "prop", true},
};

// show-addr columns (spec 2.4). JSON keys: the columns plus ifname, family
// (4|6), prefixlen, local, remote.
constexpr FieldDef kAddrFields[] = {{"addrobj", 18}, {"type", 9},        {"state", 13},
                                    {"current", 8},  {"persistent", 11}, {"addr", 46}};
constexpr OptDef kShowAddrOpts[] = {{'p', "parsable", false}, {'o', "output", true}};

// The AddrObjReq subcommands.
struct AddrOp {
  std::string_view name;
  rpc::Request::BodyCase op;
  OptDef opt;            // -t (temporary) or -i (inform)
  bool requires_temp;    // "persistent operation not supported"
  std::string_view context;  // illumos's words, case included
  std::string_view sep;      // between context and message
};
constexpr AddrOp kAddrOps[] = {
    {"up-addr", rpc::Request::kUpAddr, {'t', "temporary", false}, false,
     "Could not mark the address up", ": "},
    {"down-addr", rpc::Request::kDownAddr, {'t', "temporary", false}, false,
     "Could not mark the address down", ": "},
    {"enable-addr", rpc::Request::kEnableAddr, {'t', "temporary", false}, true,
     "could not enable address", ": "},
    {"disable-addr", rpc::Request::kDisableAddr, {'t', "temporary", false}, true,
     "could not disable address", ": "},
    {"refresh-addr", rpc::Request::kRefreshAddr, {'i', "inform", false}, false,
     "could not refresh address", " "},  // illumos prints no colon here
};

constexpr std::string_view kCreateCtx = "Could not create address";

// Validates the dhcp/addrconf-only options. Returns an exit status, or -1
// when everything is acceptable.
int check_dynamic_opts(Ctx& ctx, const ParsedArgs& args) {
  if (args.has('w')) {
    auto w = parse_wait(args.value('w'));
    if (!w) return ctx.fail(w.error);
  }
  if (args.has('h')) {
    std::string h = args.value('h');
    if (!h.empty() && h != " " && !hostname_valid(h))
      return ctx.report(Status(Errc::InvalidArg), kCreateCtx);
  }
  if (args.has('i') && !interface_id_valid(args.value('i')))
    return ctx.report(Status(Errc::InvalidArg), kCreateCtx);
  if (args.has('p')) {
    auto p = parse_addrconf_policy(args.value('p'));
    if (!p) return ctx.fail(p.error);
  }
  return -1;
}

}  // namespace

int cmd_create_addr(Ctx& ctx, int argc, char** argv) {
  auto args = ctx.parse(argc, argv, kCreateOpts);
  if (!args) return 1;
  // The checks and words of illumos do_create_addr(), in its order.
  if (args->operands.size() != 1 || !args->has('T')) return ctx.fail_usage("Invalid arguments");
  const std::string& aobjname = args->operands[0];
  if (size_t slash = aobjname.find('/'); slash == std::string::npos || slash + 1 == aobjname.size())
    return ctx.fail_usage("invalid address object name: " + aobjname);
  std::string type = args->value('T');
  // The options of one type only: the daemon's rule (common/addr_extra.h);
  // illumos prints the usage after "Invalid arguments for type T" only.
  std::string given;
  for (char c : std::string_view("adw1hip"))
    if (args->has(c)) given += c;
  if (Status s = check_addr_type_options(type, given); !s)
    return s.detail().starts_with("Invalid address type") ? ctx.fail(s.detail())
                                                          : ctx.fail_usage(s.detail());
  if (type == "static" && !args->has('a'))
    return ctx.fail_usage("Invalid arguments for type " + type);

  auto aobj = parse_aobjname(aobjname);
  if (!aobj) return ctx.report(aobj.status(), kCreateCtx);

  rpc::CreateAddrReq req;
  req.set_aobjname(aobjname);
  req.set_temporary(args->has('t'));
  req.set_type(type);
  if (type == "static") {
    std::string all;
    for (const std::string& v : args->values('a')) all += (all.empty() ? "" : ",") + v;
    auto addr = parse_addr_arg(all);
    if (!addr) return ctx.fail_usage(addr.error);
    req.set_down(args->has('d'));
    req.set_local(addr->local);
    req.set_remote(addr->remote);
  } else {
    if (int rc = check_dynamic_opts(ctx, *args); rc >= 0) return rc;
    if (args->has('w')) req.set_wait(args->value('w'));
    req.set_primary(args->has('1'));
    if (args->has('h')) req.set_reqhost(args->value('h'));
    if (args->has('i')) req.set_interface_id(args->value('i'));
    if (args->has('p')) req.set_policy(args->value('p'));
  }
  return ctx.report(ctx.backend().create_addr(req), kCreateCtx);
}

int cmd_delete_addr(Ctx& ctx, int argc, char** argv) {
  static constexpr OptDef kOpts[] = {{'r', "release", false}};
  auto args = ctx.parse(argc, argv, kOpts);
  if (!args) return 1;
  if (args->operands.size() != 1) return ctx.usage_error();
  constexpr std::string_view kCtx = "could not delete address";
  if (Status s = Ctx::addrobj_lookup_check(args->operands[0]); !s) return ctx.report(s, kCtx);
  return ctx.report(ctx.backend().delete_addr(args->operands[0], args->has('r')), kCtx);
}

int cmd_show_addr(Ctx& ctx, int argc, char** argv) {
  auto args = ctx.parse(argc, argv, kShowAddrOpts, true);
  if (!args) return 1;
  if (args->operands.size() > 1) return ctx.usage_error();
  auto spec = ctx.output_spec(*args, 'p', kAddrFields, "addrobj,type,state,addr");
  if (!spec) return 1;
  std::string aobjname, ifname;
  if (!args->operands.empty()) {
    const std::string& obj = args->operands[0];
    size_t slash = obj.find('/');
    if (slash == std::string::npos || slash == 0)
      return ctx.fail("Invalid address object name provided");
    if (slash + 1 == obj.size())
      ifname = obj.substr(0, slash);
    else
      aobjname = obj;
  }
  auto reply = ctx.backend().show_addr(aobjname, ifname);
  if (!reply) return ctx.report(reply.status(), "Could not get address");
  // Column texts straight from the reply (FieldDef order of kAddrFields).
  const auto& addrs = reply->addrs();
  Table t;
  t.width = std::size(kAddrFields);
  t.cells.reserve(static_cast<size_t>(addrs.size()) * t.width);
  for (const rpc::AddrInfo& a : addrs)
    t.cells.insert(t.cells.end(),
                   {a.aobjname(), a.type(), a.state(), a.current(), a.persistent(), a.addr()});
  t.json_row = [&addrs](size_t i) {
    const rpc::AddrInfo& a = addrs[static_cast<int>(i)];
    Row r;
    r["addrobj"] = a.aobjname();
    r["type"] = a.type();
    r["state"] = a.state();
    r["current"] = a.current();
    r["persistent"] = a.persistent();
    r["addr"] = a.addr();
    r["ifname"] = a.ifname();
    r["family"] = a.family();
    r["prefixlen"] = a.prefixlen();
    r["local"] = a.local();
    r["remote"] = a.remote();
    return r;
  };
  spec->print_table(ctx.out, t);
  return 0;
}

int cmd_addr_op(Ctx& ctx, int argc, char** argv) {
  const AddrOp* op = nullptr;
  for (const AddrOp& o : kAddrOps)
    if (o.name == ctx.cmd.name) op = &o;
  if (!op) return ctx.fail("internal error: no address operation " + std::string(ctx.cmd.name));
  auto args = ctx.parse(argc, argv, std::span(&op->opt, 1));
  if (!args) return 1;
  if (args->operands.size() != 1) return ctx.usage_error();
  if (op->requires_temp && !args->has('t'))
    return ctx.fail("persistent operation not supported for " + std::string(op->name));
  if (Status s = Ctx::addrobj_lookup_check(args->operands[0]); !s)
    return ctx.report(s, op->context, op->sep);
  rpc::AddrObjReq req;
  req.set_aobjname(args->operands[0]);
  req.set_temporary(args->has('t'));
  req.set_inform(args->has('i'));
  return ctx.report(ctx.backend().addr_op(op->op, req), op->context, op->sep);
}

}  // namespace ipadm::cli
