// Fuzz target: RPC request decoding and dispatch -- what ipmgmtd does with a
// datagram from a greeted, authorized client (src/daemon/server.cc
// handle_one_ after the Hello), against core::Service on a FakeKernel with
// links lo, net0 and net1, an in-memory SqliteStore and an in-memory map, as
// the core unit tests run it. A fake DHCP agent records starts; after each
// request every client it runs is given a lease, as the agent's sink would.
//
// Input: up to 32 requests, each a 2-byte little-endian length followed by
// that many bytes of a serialized rpc::Request. A fresh Service per input.
// The harness changes one thing: a DHCP create-addr's -w wait becomes 0 when
// it parses (the fake agent never answers, so a real wait only sleeps).
//
// IPADM_FUZZ_VERBOSE=1 prints each reply's status (to check seeds).
//
// Oracle: no crash or sanitizer report; every request gets at least one
// reply, each fits one datagram (kMaxMessage) and carries the request id and
// a known status code; after the last request the configuration still exports
// in both formats and each export parses back.
#include <sys/socket.h>

#include <net/if.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <google/protobuf/stubs/logging.h>

#include "common/addr_extra.h"
#include "common/protocol.h"
#include "core/service.h"
#include "daemon/methods.h"
#include "daemon/dispatch.h"
#include "fuzz_check.h"
#include "netlink/fake_kernel.h"
#include "store/conf_import.h"
#include "store/sqlite_store.h"

using namespace ipadm;

namespace {

class FakeAgent : public dhcp::Agent {
 public:
  Status start(const dhcp::Params& p) override {
    running_.insert(p.aobjname);
    pending.push_back(p);
    return Status::ok();
  }
  void stop(const std::string& aobjname, bool) override { running_.erase(aobjname); }
  bool wait_exit(const std::string&, int) override { return true; }
  Status renew(const std::string& aobjname) override {
    return running_.count(aobjname) ? Status::ok() : Status(Errc::NotFound);
  }
  bool running(const std::string& aobjname) const override { return running_.count(aobjname); }
  void stop_all() override { running_.clear(); }

  std::vector<dhcp::Params> pending;  // started, not yet given a lease

 private:
  std::set<std::string> running_;
};

Result<IpAddr> fake_resolve(const std::string& host) {
  if (auto a = IpAddr::parse(host)) return *a;
  if (host == "one.example") return *IpAddr::parse("192.0.2.77");
  return Status(Errc::BadHostname, host);
}

// A lease for each client started since the last call, as its sink would
// deliver it.
void deliver_leases(core::Service& svc, FakeAgent& v4, FakeAgent& v6, unsigned n) {
  for (auto* agent : {&v4, &v6}) {
    bool six = agent == &v6;
    for (const auto& p : agent->pending) {
      dhcp::Event ev;
      ev.aobjname = p.aobjname;
      ev.kind = dhcp::EventKind::Bound;
      dhcp::Lease l;
      std::string host = std::to_string(n % 200 + 10);
      l.addr = *IpAddr::parse(six ? "2001:db8::" + host : "198.51.100." + host);
      l.prefixlen = six ? 64 : 24;
      l.lease_secs = 3600;
      if (six) {
        l.preferred_secs = 1800;
      }
      ev.lease = l;
      if (six) svc.on_dhcp6_event(ev);
      else svc.on_dhcp_event(ev);
    }
    agent->pending.clear();
  }
}

void check_exports(core::Service& svc) {
  for (const char* fmt : {"illumos", "json"}) {
    auto text = svc.export_conf(fmt);
    if (!text) std::fprintf(stderr, "export %s: %s\n", fmt, text.status().to_string().c_str());
    FUZZ_CHECK(text.is_ok());
    auto back = store::parse_conf(*text, nullptr);
    if (!back) std::fprintf(stderr, "%s\nreads back: %s\n", text->c_str(),
                            back.status().to_string().c_str());
    FUZZ_CHECK(back.is_ok());
  }
}

}  // namespace

// protobuf's complaints about invalid UTF-8 would be most of the output.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<rpc::Request> reqs;
  size_t off = 0;
  while (off + 2 <= size && reqs.size() < 32) {
    size_t len = data[off] | (size_t{data[off + 1]} << 8);
    off += 2;
    if (len > size - off) len = size - off;
    rpc::Request req;
    bool ok = len <= kMaxMessage && req.ParseFromArray(data + off, static_cast<int>(len));
    off += len;
    // The server disconnects on these; a Hello is answered before dispatch.
    if (!ok || !daemon::method_of(req.body_case()) || req.body_case() == rpc::Request::kHello)
      continue;
    reqs.push_back(std::move(req));
  }
  if (reqs.empty()) return 0;

  netlink::FakeKernel kernel;
  kernel.add_loopback();
  kernel.add_link("net0", IFF_BROADCAST | IFF_MULTICAST | IFF_UP);
  kernel.add_link("net1", IFF_BROADCAST | IFF_MULTICAST, "bridge");
  auto st = store::SqliteStore::open(":memory:", store::OpenMode::ReadWrite);
  FUZZ_CHECK(st.is_ok());
  std::unique_ptr<store::SqliteStore> db = std::move(*st);
  core::AddrObjMap map(nullptr);
  core::Service svc(kernel, *db, map, fake_resolve);
  FakeAgent v4, v6;
  svc.set_dhcp_agent(&v4);
  svc.set_dhcp6_agent(&v6);
  FUZZ_CHECK(svc.reconcile().is_ok());

  static const bool verbose = std::getenv("IPADM_FUZZ_VERBOSE") != nullptr;
  unsigned n = 0;
  for (auto& req : reqs) {
    if (req.body_case() == rpc::Request::kCreateAddr && req.create_addr().type() != "static") {
      auto w = parse_dhcp_wait(req.create_addr().wait());
      if (req.create_addr().wait().empty() || (w && *w != 0))
        req.mutable_create_addr()->set_wait("0");
    }
    // The reply as the connection sends it: in datagrams.
    auto src = daemon::answer(svc, req);
    std::vector<rpc::Reply> replies;
    while (const rpc::Reply* r = src->next()) replies.push_back(*r);
    FUZZ_CHECK(!replies.empty());
    for (const auto& r : replies) {
      FUZZ_CHECK(r.id() == req.id());
      FUZZ_CHECK(r.more() == (&r != &replies.back()));
      FUZZ_CHECK(r.ByteSizeLong() <= kMaxMessage);
      FUZZ_CHECK(errc_name(static_cast<Errc>(r.status())) != "IPADM_UNKNOWN");
      if (verbose)
        std::fprintf(stderr, "request %d -> %s %s\n", static_cast<int>(req.body_case()),
                     std::string(errc_name(static_cast<Errc>(r.status()))).c_str(),
                     r.detail().c_str());
    }
    deliver_leases(svc, v4, v6, n++);
  }
  check_exports(svc);
  return 0;
}
