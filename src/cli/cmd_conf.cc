// Whole-host subcommands: restore (boot-time re-creation of the persistent
// configuration), export and import of the persistent configuration.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "cli/commands.h"

namespace ipadm::cli {

int cmd_restore(Ctx& ctx, int argc, char** argv) {
  auto args = ctx.parse(argc, argv, {});
  if (!args) return 1;
  if (!args->operands.empty()) return ctx.usage_error();
  auto reply = ctx.backend().restore();
  if (!reply) return ctx.report(reply.status(), "Could not restore configuration");
  ctx.out << "restored " << reply->interfaces() << " interface(s), " << reply->addresses()
          << " address(es)";
  if (reply->failed_size() > 0) ctx.out << ", " << reply->failed_size() << " failed";
  ctx.out << '\n';
  for (const std::string& f : reply->failed()) ctx.warn("could not restore " + f);
  return 0;
}

int cmd_export(Ctx& ctx, int argc, char** argv) {
  static constexpr OptDef kOpts[] = {{'f', "format", true}};
  auto args = ctx.parse(argc, argv, kOpts);
  if (!args) return 1;
  if (!args->operands.empty()) return ctx.usage_error();
  std::string format = args->has('f') ? args->value('f') : "illumos";
  if (format != "illumos" && format != "json")
    return ctx.fail("invalid export format '" + format + "'");
  auto text = ctx.backend().export_conf(format);
  if (!text) return ctx.report(text.status(), "Could not export configuration");
  ctx.out << *text;
  if (!text->empty() && text->back() != '\n') ctx.out << '\n';
  return 0;
}

int cmd_import(Ctx& ctx, int argc, char** argv) {
  static constexpr OptDef kOpts[] = {{'e', "allow-empty", false}};
  auto args = ctx.parse(argc, argv, kOpts);
  if (!args) return 1;
  if (args->operands.size() > 1) return ctx.usage_error();
  std::string text;
  if (args->operands.empty() || args->operands[0] == "-") {
    text.assign(std::istreambuf_iterator<char>(ctx.in), std::istreambuf_iterator<char>());
  } else {
    const std::string& file = args->operands[0];
    std::ifstream f(file, std::ios::binary);
    if (!f) return ctx.fail("cannot open '" + file + "': " + std::strerror(errno));
    std::ostringstream ss;
    ss << f.rdbuf();
    if (f.bad()) return ctx.fail("cannot read '" + file + "': " + std::strerror(errno));
    text = ss.str();
  }
  auto warnings = ctx.backend().import_conf(text, args->has('e'));
  if (!warnings) return ctx.report(warnings.status(), "Could not import configuration");
  for (const auto& w : *warnings) ctx.warn(w);
  return 0;
}

}  // namespace ipadm::cli
