// The address text of a static address object read into an address:
// strict syntax, host names resolved only when the text is a name, every
// address checked by the same rules (common/addr_check.h); and the
// state-free checks of a raw create-addr request. Used at create-addr,
// enable-addr and restore.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/ipaddr.h"
#include "common/status.h"
#include "ipmgmt.pb.h"

namespace ipadm::core {

struct StaticHost {
  IpAddr addr;         // numeric or resolved; IPv4-mapped turned into IPv4
  std::string stored;  // the text to persist (common/addr_check.h HostText::stored)
};

// `text` is one address without "/PLEN" (local or remote) of an object on
// link `ifname`. `resolve` is asked only for valid host names, never for
// numeric-looking text; `loopback_link` (does `ifname` have IFF_LOOPBACK?)
// only for a loopback address, so a restore costs no link lookup per object. BadAddr (syntax, a scope of another link,
// unspecified, unresolvable), BadHostname (several addresses), AddrNotAvail
// (multicast, limited broadcast, loopback on a non-loopback link).
Result<StaticHost> read_static_host(const std::function<Result<IpAddr>(const std::string&)>& resolve,
                                    std::string_view text, std::string_view ifname,
                                    const std::function<bool()>& loopback_link);

// The fields a create-addr request may carry for its type: the CLI's rule
// (common/addr_extra.h check_addr_type_options) applied to a raw request.
// A field counts as given when it is not its default ("" / false).
Status check_create_addr_fields(const rpc::CreateAddrReq& req);

}  // namespace ipadm::core
