// The ipadm subcommand table and the shared context of its handlers.
//
// kCommands (commands.cc) is the one list of subcommands: {name, usage,
// handler}. It drives dispatch in run_cli() and the text of `ipadm help`,
// like ninja's kTools. Handlers live in cmd_if.cc, cmd_addr.cc, cmd_prop.cc
// cmd_route.cc and cmd_conf.cc; each parses its options, calls the CliBackend once or a
// few times, prints, and returns the exit status (0 success, including soft
// errors; 1 failure). Handlers print errors as "ipadm: <message>" on stderr.
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cli/backend.h"
#include "cli/ofmt.h"
#include "cli/options.h"
#include "common/paths.h"
#include "common/status.h"

namespace ipadm::cli {

using BackendFactory = std::function<std::unique_ptr<CliBackend>(const Paths&)>;

struct Command;

// Per-invocation state handed to a handler. The backend is created on first
// use, so usage errors never touch the daemon.
class Ctx {
 public:
  Ctx(std::istream& in, std::ostream& out, std::ostream& err, Paths paths,
      const BackendFactory& factory, const Command& cmd)
      : in(in), out(out), err(err), paths(std::move(paths)), cmd(cmd), factory_(factory) {}

  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  const Paths paths;
  const Command& cmd;

  CliBackend& backend();

  // Parses this subcommand's options; on error prints it plus the usage line
  // and returns nullopt.
  std::optional<ParsedArgs> parse(int argc, char** argv, std::span<const OptDef> defs,
                                  bool json_ok = false);
  // For show-*: -p/-c (parsable_opt) requires -o; --json wins over both.
  std::optional<OutputSpec> output_spec(const ParsedArgs& args, char parsable_opt,
                                        std::span<const FieldDef> fields,
                                        std::string_view defaults);

  int fail(std::string_view msg);          // "ipadm: msg", returns 1
  void warn(std::string_view msg);         // "ipadm: warning: msg"
  int usage_error();                       // "ipadm: usage: <usage>", returns 1
  int fail_usage(std::string_view msg);    // "ipadm: msg\nusage: <usage>", returns 1
  int fail_use(std::string_view msg);      // "ipadm: msg\n\t<usage>" (illumos -p errors), 1
  // 0 on success; a soft error (AllAddrsNotEnabled, DhcpIpcTimeout) prints
  // a warning and returns 0; anything else prints illumos's line
  // "ipadm: <context><sep><message>" and returns 1. A detail the status
  // carries follows on a line of its own ("ipadm: detail: ..."), so a
  // script matching illumos's line still matches.
  int report(const Status& s, std::string_view context, std::string_view sep = ": ");
  void detail(const Status& s);            // "ipadm: detail: <detail>" if any
  // An address object operand without '/': illumos asks ipmgmtd, which
  // knows no such object, so NotFound (with a detail); OK otherwise.
  static Status addrobj_lookup_check(const std::string& aobjname);

 private:
  const BackendFactory& factory_;
  std::unique_ptr<CliBackend> backend_;
};

// An operand echoed in an error: text longer than any valid operand (a
// hostile or mistaken 60 KB argument) is cut to 64 bytes and "...", so the
// message stays a line.
std::string echoed(const std::string& text);

using Handler = int (*)(Ctx& ctx, int argc, char** argv);

struct Command {
  std::string_view name;
  std::string_view usage;  // continuation lines start with "\n\t\t\t"
  Handler handler;
};

std::span<const Command> commands();
const Command* find_command(std::string_view name);
// "usage:  ipadm <subcommand> <args> ...\n" then "\t<usage>\n" per command.
std::string full_usage();
// The same header and one command's usage (`ipadm help SUB`, `SUB --help`).
std::string command_usage(const Command& c);

// The whole CLI: argv[0] is the program name. Reads from in only for
// `import -`. Never calls exit().
int run_cli(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err,
            const BackendFactory& factory);
int run_cli(int argc, char** argv, std::ostream& out, std::ostream& err,
            const BackendFactory& factory);

// Handlers (argv[0] is the subcommand name).
int cmd_create_if(Ctx&, int, char**);
int cmd_delete_if(Ctx&, int, char**);
int cmd_enable_if(Ctx&, int, char**);
int cmd_disable_if(Ctx&, int, char**);
int cmd_show_if(Ctx&, int, char**);
int cmd_create_addr(Ctx&, int, char**);
int cmd_delete_addr(Ctx&, int, char**);
int cmd_show_addr(Ctx&, int, char**);
int cmd_addr_op(Ctx&, int, char**);  // up/down/enable/disable/refresh-addr
int cmd_set_prop(Ctx&, int, char**);    // set-prop, set-ifprop, set-addrprop
int cmd_reset_prop(Ctx&, int, char**);  // reset-prop, reset-ifprop, reset-addrprop
int cmd_show_prop(Ctx&, int, char**);
int cmd_show_ifprop(Ctx&, int, char**);
int cmd_show_addrprop(Ctx&, int, char**);
int cmd_create_route(Ctx&, int, char**);
int cmd_delete_route(Ctx&, int, char**);
int cmd_show_route(Ctx&, int, char**);
int cmd_restore(Ctx&, int, char**);
int cmd_export(Ctx&, int, char**);
int cmd_import(Ctx&, int, char**);
int cmd_wait_online(Ctx&, int, char**);
int cmd_checkpoint(Ctx&, int, char**);
int cmd_commit(Ctx&, int, char**);
int cmd_rollback(Ctx&, int, char**);
int cmd_show_checkpoint(Ctx&, int, char**);
int cmd_help(Ctx&, int, char**);

}  // namespace ipadm::cli
