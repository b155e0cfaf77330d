// Property subcommands: set-/reset-/show- prop (protocols), ifprop
// (interfaces, -m protocol) and addrprop (address objects). All go through
// SetPropReq / ShowPropReq with object_kind "proto", "if" or "addr".
#include "cli/commands.h"

namespace ipadm::cli {

namespace {

enum class Kind { Proto, If, Addr };

Kind kind_of(std::string_view cmd) {
  if (cmd.ends_with("ifprop")) return Kind::If;
  if (cmd.ends_with("addrprop")) return Kind::Addr;
  return Kind::Proto;
}

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::If: return "if";
    case Kind::Addr: return "addr";
    default: return "proto";
  }
}

// Columns (spec 2.4). JSON keys are the column names; the first column is
// proto, ifname or addrobj.
constexpr FieldDef kProtoFields[] = {{"proto", 6},       {"property", 22}, {"perm", 5},
                                     {"current", 13},    {"persistent", 13},
                                     {"default", 13},    {"possible", 15}};
constexpr FieldDef kIfFields[] = {{"ifname", 12},     {"property", 16},   {"proto", 6},
                                  {"perm", 5},        {"current", 11},    {"persistent", 11},
                                  {"default", 11},    {"possible", 16}};
// PROPERTY is 11 wide in illumos; 19 fits the Linux-only names
// (preferred_lifetime), so the columns stay aligned.
constexpr FieldDef kAddrFields[] = {{"addrobj", 18},    {"property", 19},   {"perm", 5},
                                    {"current", 16},    {"persistent", 16}, {"default", 16},
                                    {"possible", 15}};

constexpr OptDef kSetOpts[] = {{'t', "temporary", false}, {'p', "prop", true}};
constexpr OptDef kSetIfOpts[] = {
    {'t', "temporary", false}, {'p', "prop", true}, {'m', "module", true}};
constexpr OptDef kShowOpts[] = {
    {'c', "parsable", false}, {'o', "output", true}, {'p', "prop", true}};
constexpr OptDef kShowIfOpts[] = {
    {'c', "parsable", false}, {'o', "output", true}, {'p', "prop", true}, {'m', "module", true}};

int set_or_reset(Ctx& ctx, int argc, char** argv, bool reset) {
  const Kind kind = kind_of(ctx.cmd.name);
  auto args = ctx.parse(argc, argv, kind == Kind::If ? std::span<const OptDef>(kSetIfOpts)
                                                      : std::span<const OptDef>(kSetOpts));
  if (!args) return 1;
  if (args->count('p') > 1) return ctx.fail("-p must be specified once only");
  if (args->count('m') > 1) return ctx.fail("-m must be specified once only");

  rpc::SetPropReq req;
  if (args->has('p')) {
    std::string arg = args->value('p');
    if (reset) {
      auto name = parse_prop_reset(arg);
      if (!name) return ctx.fail_use(name.error);
      req.set_name(*name);
    } else {
      auto pv = parse_prop_set(arg, kind == Kind::Proto);
      if (!pv) return ctx.fail_use(pv.error);
      req.set_name(pv->name);
      req.set_value(pv->value);
      req.set_op(pv->op);
    }
  }
  if (!args->has('p') || (kind == Kind::If && !args->has('m')) || args->operands.size() != 1)
    return ctx.usage_error();

  std::string object = args->operands[0];
  if (kind == Kind::Proto) {
    auto proto = parse_protocol(object);
    if (!proto) return ctx.fail(proto.error);
    object = *proto;
    req.set_protocol(*proto);
  } else if (kind == Kind::If) {
    auto proto = parse_protocol(args->value('m'));
    if (!proto) return ctx.fail(proto.error);
    req.set_protocol(*proto);
  }
  const std::string context = std::string(ctx.cmd.name) + ": " + req.name();
  if (kind == Kind::Addr)
    if (Status s = Ctx::addrobj_lookup_check(object); !s) return ctx.report(s, context);
  req.set_object_kind(kind_name(kind));
  req.set_object(object);
  req.set_temporary(args->has('t'));
  req.set_reset(reset);
  return ctx.report(ctx.backend().set_prop(req), context);
}

// Shared body of show-prop, show-ifprop and show-addrprop.
int show(Ctx& ctx, int argc, char** argv, Kind kind) {
  auto args = ctx.parse(argc, argv, kind == Kind::If ? std::span<const OptDef>(kShowIfOpts)
                                                      : std::span<const OptDef>(kShowOpts),
                        true);
  if (!args) return 1;
  if (args->operands.size() > 1) return ctx.usage_error();
  std::span<const FieldDef> fields = kind == Kind::If     ? std::span<const FieldDef>(kIfFields)
                                     : kind == Kind::Addr ? std::span<const FieldDef>(kAddrFields)
                                                          : std::span<const FieldDef>(kProtoFields);
  auto spec = ctx.output_spec(*args, 'c', fields, "all");
  if (!spec) return 1;
  spec->wrap = kind == Kind::Proto;  // illumos do_show_prop: OFMT_WRAP

  rpc::ShowPropReq req;
  req.set_object_kind(kind_name(kind));
  for (const std::string& v : args->values('p'))
    for (std::string& n : split_list(v)) req.add_names(std::move(n));
  std::string object = args->operands.empty() ? "" : args->operands[0];
  if (kind == Kind::Proto) {
    if (!object.empty()) {
      auto proto = parse_protocol(object);
      if (!proto) return ctx.fail(proto.error);
      object = *proto;
      req.set_protocol(object);
    } else if (req.names_size() > 0) {
      return ctx.fail("protocol must be specified when property name is used");
    }
  } else if (kind == Kind::If && args->has('m')) {
    auto proto = parse_protocol(args->value('m'));
    if (!proto) return ctx.fail(proto.error);
    req.set_protocol(*proto);
  } else if (kind == Kind::Addr && !object.empty() && object.find('/') == std::string::npos) {
    return ctx.fail("invalid addrobj name provided");
  }
  req.set_object(object);

  auto reply = ctx.backend().show_prop(req);
  if (!reply) {
    const Errc code = reply.status().code();
    if (kind == Kind::Addr && !object.empty() && code == Errc::NotFound)
      return ctx.fail("addrobj not found: " + object);
    if (kind == Kind::If && !object.empty() && (code == Errc::NotFound || code == Errc::Enxio)) {
      ctx.fail("no such object '" + object + "': " + Status(Errc::Enxio).to_string());
      ctx.detail(reply.status());
      return 1;
    }
    return ctx.report(reply.status(), ctx.cmd.name);
  }
  int rc = 0;
  std::vector<Row> rows;
  for (const rpc::PropInfo& p : reply->props()) {
    if (p.error() != 0) {
      ctx.warn("cannot get property '" + p.name() + "' for '" + p.object() + "': " +
               Status(static_cast<Errc>(p.error())).to_string());
      rc = 1;
      continue;
    }
    Row r;
    if (kind == Kind::Proto) r["proto"] = p.protocol().empty() ? p.object() : p.protocol();
    if (kind == Kind::If) r["ifname"] = p.object();
    if (kind == Kind::Addr) r["addrobj"] = p.object();
    r["property"] = p.name();
    if (kind == Kind::If) r["proto"] = p.protocol();
    r["perm"] = p.perm();
    r["current"] = p.current();
    r["persistent"] = p.persistent();
    r["default"] = p.default_value();
    r["possible"] = p.possible();
    rows.push_back(std::move(r));
  }
  spec->print(ctx.out, rows);
  return rc;
}

}  // namespace

int cmd_set_prop(Ctx& ctx, int argc, char** argv) { return set_or_reset(ctx, argc, argv, false); }
int cmd_reset_prop(Ctx& ctx, int argc, char** argv) { return set_or_reset(ctx, argc, argv, true); }
int cmd_show_prop(Ctx& ctx, int argc, char** argv) { return show(ctx, argc, argv, Kind::Proto); }
int cmd_show_ifprop(Ctx& ctx, int argc, char** argv) { return show(ctx, argc, argv, Kind::If); }
int cmd_show_addrprop(Ctx& ctx, int argc, char** argv) {
  return show(ctx, argc, argv, Kind::Addr);
}

}  // namespace ipadm::cli
