// Fuzz target: the DHCP hook messages (src/dhcp/hook*.cc, lease*.cc): what
// the hook program sends the agent, built from DHCP client variables that
// came from the network.
//
// Input: one hook datagram. Oracle: no crash or sanitizer report; a decoded
// message encodes back to a datagram that decodes to the same message; a
// Bound/Renew event carries a lease of the event's family with a prefix
// length in range.
#include <sys/socket.h>

#include <cstdint>
#include <string_view>

#include "dhcp/lease.h"
#include "dhcp/lease6.h"
#include "fuzz_check.h"

using namespace ipadm::dhcp;

namespace {

void check_event(const ipadm::Result<Event>& ev, int family) {
  if (!ev || !ev->lease) return;
  if (ev->kind != EventKind::Bound && ev->kind != EventKind::Renew) return;
  const Lease& l = *ev->lease;
  FUZZ_CHECK(l.addr.family == family);
  FUZZ_CHECK(l.prefixlen >= 1 && l.prefixlen <= (family == AF_INET ? 32 : 128));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto m = hook_decode(bytes);
  if (!m) return 0;
  FUZZ_CHECK(is_hook_event(m->event));
  auto enc = hook_encode(*m);
  FUZZ_CHECK(enc.is_ok());
  auto back = hook_decode(*enc);
  FUZZ_CHECK(back.is_ok() && back->event == m->event && back->vars == m->vars);
  bool v6 = m->event.size() > 1 && m->event.back() == '6';
  if (v6) {
    check_event(event_from_dhclient(*m, "net0/v6", 1700000000), AF_INET6);
  } else {
    check_event(event_from_hook(*m, "net0/v4"), AF_INET);
  }
  return 0;
}
