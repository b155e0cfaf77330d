#include "dns/choose_sink.h"

#include <unistd.h>

#include "dns/file_sink.h"

namespace ipadm::dns {

SinkProbes system_probes() {
  SinkProbes p;
  p.bus = []() -> std::unique_ptr<ResolvedBus> {
    auto b = open_resolved_bus();
    if (!b) return nullptr;
    return std::move(*b);
  };
  p.resolvconf = []() -> std::string {
    // resolvconf runs as the daemon's user: it must be able to write its
    // state (not so as netadm, nor under the unit's read-only /run).
    if (::access("/run/resolvconf", W_OK) != 0) return "";
    for (const char* path : {"/usr/sbin/resolvconf", "/sbin/resolvconf"})
      if (::access(path, X_OK) == 0) return path;
    return "";
  };
  p.exec = run_program;
  return p;
}

std::unique_ptr<Sink> choose_sink(const std::string& root, const SinkProbes& probes) {
  const std::string file = root + "/run/ipadm/resolv.conf";
  if (!root.empty()) return std::make_unique<FileSink>(file);
  if (probes.bus)
    if (auto bus = probes.bus(); bus && bus->present())
      return std::make_unique<ResolvedSink>(std::move(bus));
  if (probes.resolvconf)
    if (std::string prog = probes.resolvconf(); !prog.empty())
      return std::make_unique<ResolvconfSink>(prog, probes.exec);
  return std::make_unique<FileSink>(file);
}

}  // namespace ipadm::dns
