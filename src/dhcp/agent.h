// DhcpAgent: the DHCP client side of ipmgmtd (illumos: dhcpagent).
//
// Two implementations: UdhcpcAgent (DHCPv4, -T dhcp) and Dhclient6Agent
// (stateful DHCPv6 of -T addrconf -p stateful=yes). Where they differ, the
// comments below say "v4" and "v6".
//
// One client per DHCP address object. The agent only talks DHCP: it never
// changes the kernel. Every lease event is handed to the EventSink, and the
// daemon (core::Service) applies, replaces or removes the address itself, so
// the daemon stays the only process that changes the kernel.
//
// Contracts:
//  - start/stop/renew never block on DHCP traffic and never call the sink
//    from the calling thread; they may be called with the caller's locks held.
//  - The sink is called from the agent's own thread, one event at a time, and
//    the client waits until the sink returns (so a "bound" lease is in the
//    kernel before the client goes on). The sink may call start/stop/renew.
//  - Events of a stopped client are never delivered, even if its process is
//    still exiting. A client that dies on its own is restarted (backoff).
//  - The start-up "deconfig" every client sends when it begins is not
//    delivered: a freshly (re)started client must not take an existing lease
//    address out of the kernel (daemon restart adopts it). (v6: dhclient's
//    PREINIT6 and DEPREF6 are never delivered; the kernel deprecates the
//    address itself at the end of its preferred lifetime.)
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/ipaddr.h"
#include "common/status.h"

namespace ipadm::dhcp {

struct Params {
  std::string aobjname;                 // key of the client
  std::string ifname;
  std::string hostname;                 // option 12 when non-empty (-h / -1 node name)
  std::optional<IpAddr> request;        // ask for this address first (lease we hold)
};

// v4 fields from the DHCPv4 options named; v6 (one IA_NA address, dhclient's
// variables): addr = new_ip6_address, prefixlen = new_ip6_prefixlen (128 when
// absent), dns = option 23, domain = option 24 (the search list, names
// separated by single spaces), lease_secs = valid lifetime, preferred_secs =
// preferred lifetime (both what is left of them now: dhclient reports a
// confirmed lease with its original start); no broadcast, routers (those come
// from router advertisements) or server.
struct Lease {
  IpAddr addr;                          // yiaddr
  int prefixlen = 0;                    // from option 1 (subnet mask)
  std::optional<IpAddr> broadcast;      // option 28
  std::vector<IpAddr> routers;          // option 3, in order
  std::vector<IpAddr> dns;              // option 6
  std::string domain;                   // option 15
  std::string search;                   // option 119 (v4 only): names separated by single spaces
  std::optional<IpAddr> server;         // option 54
  uint32_t lease_secs = 0;              // option 51; 0 = unknown/infinite
  // 0 = same as lease_secs (always 0 for v4). v6: never 0 -- a preferred
  // lifetime of 0 (address deprecated at once) is reported as 1.
  uint32_t preferred_secs = 0;
};

enum class EventKind {
  Bound,      // new lease (first one, or after a NAK/expiry)
  Renew,      // lease extended; address may be the same or different
  Deconfig,   // lease lost or released: take the address out
  LeaseFail,  // no server answered (client keeps trying)
  Nak,        // server refused; a Deconfig follows
};

struct Event {
  std::string aobjname;
  EventKind kind = EventKind::LeaseFail;
  // Bound/Renew: the lease. Deconfig: none for v4; for v6 the address to
  // take out (old_ip6_address, prefixlen, no lifetimes) when dhclient named
  // a usable one, else none (take out what the object holds).
  std::optional<Lease> lease;
  uint64_t generation = 0;              // of the client that sent it (Agent::current)
};

using EventSink = std::function<void(const Event&)>;

class Agent {
 public:
  virtual ~Agent() = default;
  // Starts (or restarts with new params) the client of p.aobjname.
  // DhcpStartError if the client program cannot be started.
  virtual Status start(const Params& p) = 0;
  // Stops the client; release=true first sends a DHCPRELEASE for its lease
  // (v6: a Release, by `dhclient -6 -r` once the client has exited).
  // No-op if not running.
  virtual void stop(const std::string& aobjname, bool release) = 0;
  // Waits (without holding any lock the sink needs) until the process of a
  // stopped client has exited, at most timeout_ms; true if it has (or none
  // was running). delete-addr -r needs this: udhcpc sends its DHCPRELEASE
  // from the leased address, so the daemon removes the address only after.
  virtual bool wait_exit(const std::string& aobjname, int timeout_ms) {
    (void)aobjname;
    (void)timeout_ms;
    return true;
  }
  // Asks the client to renew now (DHCPREQUEST). NotFound if not running.
  // v6: dhclient has no renew signal: the client is restarted, and the new
  // one confirms (or re-solicits) the lease it has on file.
  virtual Status renew(const std::string& aobjname) = 0;
  virtual bool running(const std::string& aobjname) const = 0;
  // Stops every client without release (daemon shutdown).
  virtual void stop_all() = 0;
  // True while ev comes from the client started last for ev.aobjname and that
  // client has not been stopped. The agent checks this before calling the
  // sink, but a stop() may land between that check and the sink taking its
  // lock; a sink that must be exact checks again under its lock.
  virtual bool current(const Event& ev) const { return running(ev.aobjname); }
};

}  // namespace ipadm::dhcp
