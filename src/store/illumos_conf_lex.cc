// Lexical layer of the ipadm.conf reader (see illumos_conf_lex.h).
#include "store/illumos_conf_lex.h"

#include <sys/socket.h>

#include <algorithm>

#include "common/ipaddr.h"

namespace ipadm::store::illumos_lex {

Status line_error(size_t no, const std::string& why, Errc c) {
  return Status(c, "line " + std::to_string(no) + ": " + why);
}

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

bool blank(char c) { return c == ' ' || c == '\t'; }

// record := pair+ ; pair := NAME ['=' VALUE] ';'   (leading blanks already skipped)
Status split_record(size_t no, std::string_view rec, std::vector<Pair>* out) {
  while (!rec.empty() && blank(rec.back())) rec.remove_suffix(1);
  size_t pos = 0;
  while (pos < rec.size()) {
    size_t semi = rec.find(';', pos);
    if (semi == std::string_view::npos)
      return line_error(no, "missing ';' after '" + std::string(rec.substr(pos)) + "'");
    std::string_view pair = rec.substr(pos, semi - pos);
    size_t eq = pair.find('=');
    Pair p{pair.substr(0, eq), eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1)};
    if (p.name.empty()) return line_error(no, "empty name in '" + std::string(pair) + ";'");
    if (!std::all_of(p.name.begin(), p.name.end(), name_char))
      return line_error(no, "invalid name '" + std::string(p.name) + "'");
    for (char c : p.value)
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t')
        return line_error(no, "control character in the value of " + std::string(p.name));
    for (const auto& q : *out)
      if (q.name == p.name) return line_error(no, "'" + std::string(p.name) + "' appears twice");
    out->push_back(p);
    pos = semi + 1;
  }
  return Status::ok();
}

std::optional<long> parse_int(std::string_view s, long lo, long hi) {
  if (s.empty() || s.size() > 12) return std::nullopt;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return std::nullopt;
  long v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  if (s[0] == '-') v = -v;
  if (v < lo || v > hi) return std::nullopt;
  return v;
}

bool yes_no(std::string_view s) { return s == "yes" || s == "no"; }

std::vector<std::string_view> split_commas(std::string_view s) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  for (;;) {
    size_t c = s.find(',', pos);
    out.push_back(s.substr(pos, c == std::string_view::npos ? std::string_view::npos : c - pos));
    if (c == std::string_view::npos) return out;
    pos = c + 1;
  }
}

// Static address text LOCAL,[REMOTE] -> record; numeric addresses must match the family.
Status parse_static(size_t no, std::string_view text, int family, AddrRecord* r) {
  auto parts = split_commas(text);
  if (parts.size() > 2) return line_error(no, "address '" + std::string(text) + "' has more than one ','");
  r->local = std::string(parts[0]);
  r->remote = parts.size() > 1 ? std::string(parts[1]) : "";
  if (r->local.empty()) return line_error(no, "static address without a local address");
  for (const std::string* s : {&r->local, &r->remote}) {
    if (s->empty()) continue;
    if (std::any_of(s->begin(), s->end(), [](char c) { return blank(c); }))
      return line_error(no, "blank in address '" + *s + "'");
    // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address: an
    // older ipmgmtd stored IPv4 objects so, and their export must read back.
    auto a = IpAddr::parse(*s);
    if (a && a->unmapped().family != family && a->family != family)
      return line_error(no, "address " + *s + " is not " + (family == AF_INET ? "IPv4" : "IPv6"));
  }
  return Status::ok();
}

// _dhcp := '' | WAIT [',' PRIMARY]
Status check_dhcp(size_t no, std::string_view text) {
  if (text.empty()) return Status::ok();
  auto parts = split_commas(text);
  if (parts.size() > 2 || !parse_int(parts[0], -2, 1000000000) ||
      (parts.size() == 2 && !yes_no(parts[1])))
    return line_error(no, "invalid _dhcp '" + std::string(text) + "' (WAIT,PRIMARY)");
  return Status::ok();
}

// _intfid := '' | TOKEN '/' PLEN ',' yes|no ',' yes|no
Status check_intfid(size_t no, std::string_view text) {
  if (text.empty()) return Status::ok();
  auto parts = split_commas(text);
  auto bad = [&] {
    return line_error(no, "invalid _intfid '" + std::string(text) + "' (TOKEN/PLEN,STATELESS,STATEFUL)");
  };
  if (parts.size() != 3 || !yes_no(parts[1]) || !yes_no(parts[2])) return bad();
  size_t slash = parts[0].find('/');
  if (slash == std::string_view::npos) return bad();
  auto token = IpAddr::parse(parts[0].substr(0, slash));
  if (!token || token->family != AF_INET6 || !parse_int(parts[0].substr(slash + 1), 0, 128)) return bad();
  return Status::ok();
}

}  // namespace ipadm::store::illumos_lex
