// Lexical layer of the ipadm.conf reader: a record line into name=value
// pairs, and the checks of the typed values (spec 6.2). Internal to
// src/store/illumos_conf_*.cc; grammar in illumos_conf.h. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace ipadm::store::illumos_lex {

struct Pair {
  std::string_view name;   // views into the line given to split_record
  std::string_view value;
};

// Status(c, "line NO: why").
Status line_error(size_t no, const std::string& why, Errc c = Errc::InvalidArg);

bool name_char(char c);  // [A-Za-z0-9_.-]
bool blank(char c);      // ' ' or '\t'

// record := pair+ WS* ; pair := NAME ['=' VALUE] ';'. REQUIRES: leading
// blanks removed. Appends to *out; InvalidArg "line NO: ..." for a missing
// ';', an empty or invalid NAME, a NAME given twice, a control character.
Status split_record(size_t no, std::string_view rec, std::vector<Pair>* out);

// Decimal integer (optional '-') in [lo, hi]; nullopt otherwise.
std::optional<long> parse_int(std::string_view s, long lo, long hi);
bool yes_no(std::string_view s);
std::vector<std::string_view> split_commas(std::string_view s);

// _ipv4addr/_ipv6addr := LOCAL [',' REMOTE]; sets r->local/remote. LOCAL must
// be non-empty, neither may hold blanks, and a numeric address must be of
// `family` (AF_INET/AF_INET6); host names are kept as typed.
Status parse_static(size_t no, std::string_view text, int family, AddrRecord* r);
// _dhcp := '' | WAIT [',' PRIMARY]      WAIT >= -2, PRIMARY yes|no
Status check_dhcp(size_t no, std::string_view text);
// _intfid := '' | TOKEN '/' PLEN ',' yes|no ',' yes|no     TOKEN IPv6, PLEN 0..128
Status check_intfid(size_t no, std::string_view text);

}  // namespace ipadm::store::illumos_lex
