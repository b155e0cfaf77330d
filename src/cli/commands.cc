#include "cli/commands.h"

#include <iostream>
#include <vector>

namespace ipadm::cli {

namespace {

// The subcommand table: dispatch and `ipadm help` both read it.
constexpr Command kCommands[] = {
    {"create-if", "create-if [-t] <interface>", cmd_create_if},
    {"create-ip", "create-ip [-t] <interface>", cmd_create_if},
    {"delete-if", "delete-if <interface>", cmd_delete_if},
    {"delete-ip", "delete-ip <interface>", cmd_delete_if},
    {"disable-if", "disable-if -t <interface>", cmd_disable_if},
    {"enable-if", "enable-if -t <interface>", cmd_enable_if},
    {"show-if", "show-if [--json] [[-p] -o <field>,...] [<interface>]", cmd_show_if},
    {"set-ifprop", "set-ifprop [-t] -p <prop>=<value[,...]> -m <protocol> <interface>",
     cmd_set_prop},
    {"reset-ifprop", "reset-ifprop [-t] -p <prop> -m <protocol> <interface>", cmd_reset_prop},
    {"show-ifprop",
     "show-ifprop [--json] [[-c] -o <field>,...] [-p <prop>,...]\n\t\t\t[-m <protocol>] "
     "[<interface>]",
     cmd_show_ifprop},
    {"create-addr",
     "create-addr [-t] -T static [-d] -a [local=]<addr>[/<prefixlen>][,remote=<addr>]\n"
     "\t\t\t<addrobj>\n"
     "\tcreate-addr [-t] -T dhcp [-w <seconds> | forever] [-1] [-h <hostname>]\n"
     "\t\t\t<addrobj>\n"
     "\tcreate-addr [-t] -T addrconf [-i <interface-id>]\n"
     "\t\t\t[-p stateless=yes|no[,stateful=yes|no]] <addrobj>",
     cmd_create_addr},
    {"delete-addr", "delete-addr [-r] <addrobj>", cmd_delete_addr},
    {"show-addr", "show-addr [--json] [[-p] -o <field>,...] [<addrobj> | <interface>/]",
     cmd_show_addr},
    {"up-addr", "up-addr [-t] <addrobj>", cmd_addr_op},
    {"down-addr", "down-addr [-t] <addrobj>", cmd_addr_op},
    {"disable-addr", "disable-addr -t <addrobj>", cmd_addr_op},
    {"enable-addr", "enable-addr -t <addrobj>", cmd_addr_op},
    {"refresh-addr", "refresh-addr [-i] <addrobj>", cmd_addr_op},
    {"set-addrprop", "set-addrprop [-t] -p <prop>=<value[,...]> <addrobj>", cmd_set_prop},
    {"reset-addrprop", "reset-addrprop [-t] -p <prop> <addrobj>", cmd_reset_prop},
    {"show-addrprop",
     "show-addrprop [--json] [[-c] -o <field>,...] [-p <prop>,...]\n\t\t\t"
     "[<addrobj> | <interface>/]",
     cmd_show_addrprop},
    {"set-prop", "set-prop [-t] -p <prop>[+|-]=<value[,...]> <protocol>", cmd_set_prop},
    {"reset-prop", "reset-prop [-t] -p <prop> <protocol>", cmd_reset_prop},
    {"show-prop", "show-prop [--json] [[-c] -o <field>,...] [-p <prop>,...] [<protocol>]",
     cmd_show_prop},
    {"create-route",
     "create-route [-t] [-m <metric>] [-i <interface>] -g <gateway>\n"
     "\t\t\t{default | <prefix>/<len>}\n"
     "\tcreate-route [-t] [-m <metric>] -i <interface> <prefix>/<len>",
     cmd_create_route},
    {"delete-route",
     "delete-route [-m <metric>] [-i <interface>] [-g <gateway>]\n"
     "\t\t\t{default | <prefix>/<len>}",
     cmd_delete_route},
    {"show-route", "show-route [--json] [[-p] -o <field>,...] [<interface>]", cmd_show_route},
    {"restore", "restore", cmd_restore},
    {"export", "export [-f illumos|json]", cmd_export},
    {"import", "import [-e] [<file> | -]", cmd_import},
    {"wait-online", "wait-online [-t <seconds>] [<interface> | <addrobj> ...]",
     cmd_wait_online},
    {"checkpoint", "checkpoint [-t <seconds>]", cmd_checkpoint},
    {"commit", "commit", cmd_commit},
    {"rollback", "rollback", cmd_rollback},
    {"show-checkpoint", "show-checkpoint [--json] [[-p] -o <field>,...]", cmd_show_checkpoint},
    {"help", "help [<subcommand>]", cmd_help},
};

}  // namespace

std::span<const Command> commands() { return kCommands; }

const Command* find_command(std::string_view name) {
  for (const Command& c : kCommands)
    if (c.name == name) return &c;
  return nullptr;
}

std::string command_usage(const Command& c) {
  return "usage:  ipadm <subcommand> <args> ...\n\t" + std::string(c.usage) + "\n";
}

std::string full_usage() {
  std::string s = "usage:  ipadm <subcommand> <args> ...\n";
  for (const Command& c : kCommands) {
    s += '\t';
    s += c.usage;
    s += '\n';
  }
  return s;
}

std::string echoed(const std::string& text) {
  constexpr size_t kMax = 64;
  return text.size() <= kMax ? text : text.substr(0, kMax) + "...";
}

CliBackend& Ctx::backend() {
  if (!backend_) backend_ = factory_(paths);
  return *backend_;
}

std::optional<ParsedArgs> Ctx::parse(int argc, char** argv, std::span<const OptDef> defs,
                                     bool json_ok) {
  auto r = parse_options(argc, argv, defs, json_ok);
  if (!r) {
    fail_usage(r.error);
    return std::nullopt;
  }
  return std::move(*r);
}

std::optional<OutputSpec> Ctx::output_spec(const ParsedArgs& args, char parsable_opt,
                                           std::span<const FieldDef> fields,
                                           std::string_view defaults) {
  bool parsable = args.has(parsable_opt);
  bool have_o = args.has('o');
  if (parsable && !have_o && !args.json) {
    fail(std::string("-") + parsable_opt + " requires -o");
    return std::nullopt;
  }
  OutMode mode = args.json ? OutMode::Json : parsable ? OutMode::Parsable : OutMode::Human;
  std::string o = args.value('o');
  auto spec = make_output_spec(fields, have_o ? &o : nullptr, defaults, mode);
  if (!spec) {
    fail(spec.error);
    return std::nullopt;
  }
  if (!spec->warning.empty()) warn(spec->warning);
  return std::move(*spec);
}

int Ctx::fail(std::string_view msg) {
  err << "ipadm: " << msg << '\n';
  return 1;
}

void Ctx::warn(std::string_view msg) { err << "ipadm: warning: " << msg << '\n'; }

int Ctx::usage_error() {
  err << "ipadm: usage: " << cmd.usage << '\n';
  return 1;
}

int Ctx::fail_usage(std::string_view msg) {
  err << "ipadm: " << msg << "\nusage: " << cmd.usage << '\n';
  return 1;
}

int Ctx::fail_use(std::string_view msg) {
  err << "ipadm: " << msg << "\n\t" << cmd.usage << '\n';
  return 1;
}

void Ctx::detail(const Status& s) {
  if (!s.detail().empty()) err << "ipadm: detail: " << s.detail() << '\n';
}

Status Ctx::addrobj_lookup_check(const std::string& aobjname) {
  if (aobjname.find('/') != std::string::npos) return Status::ok();
  return Status(Errc::NotFound, "an address object is named <interface>/<name>, not '" +
                                    aobjname + "'");
}

int Ctx::report(const Status& s, std::string_view context, std::string_view sep) {
  if (s.is_ok()) return 0;
  std::string msg(Status(s.code()).to_string());
  if (s.code() == Errc::AllAddrsNotEnabled || s.code() == Errc::DhcpIpcTimeout) {
    warn(msg);
    detail(s);
    return 0;
  }
  fail(context.empty() ? msg : std::string(context) + std::string(sep) + msg);
  detail(s);
  return 1;
}

// `ipadm help [SUBCOMMAND]`: the whole usage, or that subcommand's.
int cmd_help(Ctx& ctx, int argc, char** argv) {
  if (argc < 2) {
    ctx.out << full_usage();
    return 0;
  }
  const Command* c = find_command(argv[1]);
  if (!c) {
    ctx.err << "ipadm: unknown subcommand '" << argv[1] << "'\n" << full_usage();
    return 1;
  }
  ctx.out << command_usage(*c);
  return 0;
}

int run_cli(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err,
            const BackendFactory& factory) {
  // Global options: -R root, -h/--help/-?.
  std::string root;
  int i = 1;
  for (; i < argc; i++) {
    std::string_view a = argv[i];
    if (a == "--") {
      i++;
      break;
    }
    if (a.size() < 2 || a[0] != '-') break;
    if (a == "-h" || a == "--help" || a == "-?") {
      out << full_usage();
      return 0;
    }
    if (a == "-R" || a == "--root") {
      if (i + 1 >= argc) {
        err << "ipadm: option '" << a << "' requires a value\n" << full_usage();
        return 1;
      }
      root = argv[++i];
      continue;
    }
    if (a.starts_with("-R")) {
      root = std::string(a.substr(2));
      continue;
    }
    if (a.starts_with("--root=")) {
      root = std::string(a.substr(7));
      continue;
    }
    err << "ipadm: unrecognized option '" << a << "'\n" << full_usage();
    return 1;
  }

  static char kDefault[] = "show-addr";  // bare `ipadm`
  std::vector<char*> sub;
  if (i >= argc)
    sub.push_back(kDefault);
  else
    sub.assign(argv + i, argv + argc);
  const Command* cmd = find_command(sub[0]);
  if (!cmd) {
    err << "ipadm: unknown subcommand '" << sub[0] << "'\n" << full_usage();
    return 1;
  }
  // `ipadm SUBCOMMAND ... --help`: its usage, before any option parsing.
  for (size_t k = 1; k < sub.size() && std::string_view(sub[k]) != "--"; k++)
    if (std::string_view(sub[k]) == "--help") {
      out << command_usage(*cmd);
      return 0;
    }
  sub.push_back(nullptr);
  Ctx ctx(in, out, err, Paths::from_env(root), factory, *cmd);
  return cmd->handler(ctx, static_cast<int>(sub.size() - 1), sub.data());
}

int run_cli(int argc, char** argv, std::ostream& out, std::ostream& err,
            const BackendFactory& factory) {
  return run_cli(argc, argv, std::cin, out, err, factory);
}

}  // namespace ipadm::cli
