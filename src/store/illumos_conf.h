// The illumos persistent-configuration text format (/etc/ipadm/ipadm.conf,
// spec section 6.2), DB versions 0 (2010) and 1 (2015/2017), as an import
// and export format of ConfSnapshot. Pure functions: no I/O, no logging.
//
// Grammar (docs/import-export.md has the full description):
//
//   file     := line*                       (split on '\n'; a trailing '\r' is dropped)
//   line     := blank | comment | record
//   blank    := WS*
//   comment  := WS* '#' any*                (skipped; see the version marker below)
//   record   := WS* pair+ WS*               (at most kIllumosMaxLine bytes)
//   pair     := NAME ['=' VALUE] ';'        (no '=' = empty value; a NAME twice = malformed)
//   NAME     := [A-Za-z0-9_.-]+             '_x' ipadm key, '__x' private property '_x',
//                                           anything else a public property name
//   VALUE    := [^;\n]*                     (split at the first '=')
//   marker   := '#' WS* "ipadm.conf version=" DIGITS ...   (before the first record)
//
// Record kinds (keys in any order; K = a property NAME):
//   interface      _ifname=IF;_family=2|26;           one line per family, merged
//                  _ifname=IF;_families=[F{,F}];[_ifclass=N;]   ([2021] form)
//   static addr    _ifname=IF;_aobjname=IF/U;_ipv4addr|_ipv6addr=LOCAL,[REMOTE];[up=yes|no;]
//   dhcp addr      _ifname=IF;_aobjname=IF/U;_dhcp=[WAIT[,PRIMARY]];
//   addrconf addr  _ifname=IF;_aobjname=IF/U;_intfid=[TOKEN/PLEN,STATELESS,STATEFUL];
//   address prop   _ifname=IF;_aobjname=IF/U;K=V;     (prefixlen -> AddrRecord.prefixlen)
//   interface prop _protocol=ipv4|ipv6;_ifname=IF;K=V;
//   protocol prop  _protocol=P;K=V;
//   route          _route=DEST,GATEWAY,IFNAME,METRIC;  (ipadm for Linux, create-route;
//                                       GATEWAY/IFNAME may be empty; illumos skips it)
//
// Families are illumos numbers (AF_INET 2, AF_INET6 26) in the file and Linux
// numbers (AF_INET 2, AF_INET6 10) in the snapshot.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/conf_model.h"

namespace ipadm::store {

constexpr size_t kIllumosMaxLine = 4096;
// The DB version this code writes (the version marker of the header line).
constexpr int kIllumosConfVersion = 1;

// Parses an ipadm.conf text.
//
// Version: a file whose header carries "# ipadm.conf version=1" (what
// format_illumos_conf writes) is read as is. A file without the marker, or
// with version=0, gets the illumos upgrade of spec 6.5 on its protocol
// properties: ndd-style names become the new names (e.g. tcp tcp_cwnd_max ->
// _cwnd_max, ip ip_send_redirects -> ipv4 _send_redirects, tcp
// tcp_smallest_anon_port -> smallest_anon_port); the tables are in
// illumos_legacy_names.h. A version above kIllumosConfVersion is NotSup.
//
// A malformed line stops the parse: InvalidArg (InvalidName for a bad
// interface name) with detail "line N: <why>", and nothing is returned.
// Things this code does not know — an unknown '_x' key, a line of no known
// kind, an unknown protocol, IPMP keys — are left out of the snapshot and
// reported in *warnings ("line N: ..."), as are repeated properties (the
// later line wins) and interfaces created because an address or property
// names an interface without an interface line. warnings may be null.
// The result satisfies validate_snapshot().
Result<ConfSnapshot> parse_illumos_conf(std::string_view text, std::vector<std::string>* warnings);

// Checks that every field of s can be written in this format: no ';', '\n'
// or '\r' in any name or value, no '=' or blank in names, no ',' in the
// local/remote address text, extra only on dhcp/addrconf, local/remote only
// on static, and no address property named prefixlen or up (those are
// AddrRecord fields). InvalidArg naming the record otherwise.
Status check_illumos_conf(const ConfSnapshot& s);

// Writes the [2017] format (DB version 1): the header comment with the
// version marker, interface lines (one per family, _family=2/26; an interface
// with no family gets "_families=;"), then per address its line (static with
// up=yes|no; dhcp/addrconf with up=no only when down) followed by a
// "prefixlen=N" line when the prefix is explicit, then every property line in
// store order (private names written with the extra '_').
// REQUIRES: check_illumos_conf(s) is OK. Then
// parse_illumos_conf(format_illumos_conf(s)) == s without warnings for every
// s that satisfies validate_snapshot().
std::string format_illumos_conf(const ConfSnapshot& s);

}  // namespace ipadm::store
