// Internals of PropService: protocol bits, value syntax helpers and the
// property tables (props_table.cc, props_if.cc, props_addr.cc) with their
// helpers (props_value.cc, props_proto_value.cc). Pure data and
// pure functions except where a Kernel& is passed in. Not a public API.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/objects.h"
#include "common/status.h"
#include "core/props.h"
#include "netlink/kernel.h"
#include "store/store.h"

namespace ipadm::core::props {

// ---- protocols ----
// Bits in show order. A protocol property row lists the protocols that share
// its kernel value; the lowest bit is the canonical protocol it is persisted
// under.
enum : uint32_t { kIpv4 = 1, kIpv6 = 2, kTcp = 4, kUdp = 8, kSctp = 16, kIcmp = 32 };
constexpr uint32_t kIp = kIpv4 | kIpv6;
constexpr uint32_t kAllProtos = 63;

// "ip" (and its alias "arp") = kIp; nullopt for an unknown name.
std::optional<uint32_t> proto_bits(std::string_view name);
// Name of exactly one bit ("ipv4" ...).
const char* proto_name(uint32_t bit);
// The single bit of a family name "ipv4"/"ipv6", or 0.
uint32_t family_bit(std::string_view name);
inline uint32_t lowest_bit(uint32_t bits) { return bits & (~bits + 1); }
// Each set bit, in order.
std::vector<uint32_t> each_bit(uint32_t bits);
int af_of(uint32_t fam_bit);  // kIpv4 -> AF_INET, kIpv6 -> AF_INET6

// ---- value syntax ----
constexpr size_t kMaxValueLen = 511;  // illumos MAXPROPVALLEN - 1
constexpr size_t kMaxNameLen = 63;

Result<bool> parse_onoff(std::string_view v);
inline const char* onoff(bool b) { return b ? "on" : "off"; }
// Decimal in [min, max]: InvalidArg if not a number, ERange outside.
Result<int64_t> parse_int(std::string_view v, int64_t min, int64_t max);
std::string range_text(int64_t min, int64_t max);  // "1-255"
// Seconds or "infinite" (0xffffffff) in [min, 0xfffffffe].
Result<uint32_t> parse_lifetime(std::string_view v, uint32_t min);
std::string lifetime_text(uint32_t secs);
std::string_view trim(std::string_view s);
// Tokens separated by any of seps, empty ones dropped.
std::vector<std::string> split(std::string_view s, std::string_view seps);
std::string join(const std::vector<std::string>& v, std::string_view sep);
// The record of name and protocol ("" for address properties) in recs.
const store::PropRecord* find_record(const std::vector<store::PropRecord>& recs,
                                     std::string_view name, std::string_view protocol = {});

// A set of ports kept as sorted, disjoint, non-adjacent ranges
// (net/ipv4/ip_local_reserved_ports: "8080,9000-9100").
class PortSet {
 public:
  // "a,b-c,..." (commas or white space); InvalidArg / ERange (1-65535).
  static Result<PortSet> parse(std::string_view text);
  bool contains_all(const PortSet& o) const;
  void add(const PortSet& o);
  void remove(const PortSet& o);
  bool empty() const { return ranges_.empty(); }
  std::string to_string() const;  // "8080,9000-9100": Linux's form, for the sysctl
  std::string to_list() const;    // "8080,9000,9001,...": illumos's, shown and persisted
 private:
  void insert_(uint32_t lo, uint32_t hi);
  std::vector<std::pair<uint32_t, uint32_t>> ranges_;
};

// ---- protocol property table (props_table.cc) ----
enum class PType {
  kOnOff,       // "1"/"0" in the kernel
  kInt,         // decimal in [min, max]
  kEnum,        // one of enums
  kCongestion,  // a TCP congestion control name
  kPortList,    // multi-valued port list (+= / -=)
};

// One value of an enumeration: user name <-> kernel text. notsup != nullptr:
// the name is known but Linux cannot do it (NotSup with that detail).
struct EnumVal {
  const char* name;
  const char* kernel;
  const char* notsup;
};

// A sysctl path, or one whitespace-separated position of it (index >= 0).
struct Field {
  const char* path = nullptr;
  int index = -1;
};

// Extra validation of a new value against other kernel values.
using ProtoCheck = Status (*)(netlink::Kernel& k, int64_t value);

struct ProtoProp {
  const char* name;
  uint32_t protos;          // protocols sharing the value; lowest bit canonical
  PType type;
  int64_t min = 0, max = 0;     // kInt, kPortList
  std::span<const EnumVal> enums{};  // kEnum
  // Sysctls written with the value; read back from the first. A '*' path
  // component stands for every link that has the sysctl. split: the kernel
  // text of an enum value has one token per field ("rp_filter arp_ignore
  // arp_announce"). No field: nothing in the kernel (the only value is the
  // one Linux always has).
  Field fields[3]{};
  bool split = false;
  const char* defval = nullptr;  // user form; nullptr = computed (kCongestion)
  const char* max_prop = nullptr;  // a property of the same protocol capping the value
  ProtoCheck check = nullptr;
  bool listed = true;              // false: private, shown only when named
};

std::span<const ProtoProp> proto_table();

// One listed row of show-prop without names: illumos's order, which walks
// its tables ip (ipv4 and ipv6 mixed), icmp, tcp, udp, sctp, each in table
// order (libipadm ipadm_walk_proptbl).
struct ShowOrder {
  uint32_t proto;  // one protocol bit
  const char* name;
};
std::span<const ShowOrder> show_order();

// A name as the user gave it, resolved to a row and one protocol bit.
struct ProtoRef {
  const ProtoProp* prop;
  uint32_t proto;
};
// Resolves aliases (_max_buf, send_maxbuf, recv_maxbuf) and ndd names
// (tcp_smallest_anon_port, ip_forwarding, ip6_def_hoplimit, ...; spec 4.1).
// given: the request's protocol bits (one bit, or kIp). PropUnknown for an
// unknown name, BadProtocol for a known one under the wrong protocol.
Result<ProtoRef> resolve_proto_prop(std::string_view name, uint32_t given);
// The row of name (public name, no alias) covering proto, or nullptr.
const ProtoProp* find_proto_prop(std::string_view name, uint32_t proto);

// ---- protocol property values (props_proto_value.cc) ----
// A sysctl read; NotSup (the kernel lacks the feature) when it is missing.
Result<std::string> read_sysctl(netlink::Kernel& k, const std::string& path);
// The value of f (its token when f.index >= 0), trimmed.
Result<std::string> read_field(netlink::Kernel& k, const Field& f);
// cur with f's token replaced by v (tab-separated, as Linux prints).
Result<std::string> with_token(const std::string& cur, const Field& f, const std::string& v);
size_t field_count(const ProtoProp& p);
// pattern ("net/ipv6/conf/*/hop_limit") for each link that has it.
std::vector<std::string> each_link_path(netlink::Kernel& k, std::string_view pattern);
// Linux's default in user form (congestion control: cubic if available,
// else reno).
std::string default_value(netlink::Kernel& k, const ProtoProp& p);
std::string possible_values(netlink::Kernel& k, const ProtoProp& p, uint32_t proto);
// Kernel text -> user form.
std::string to_user(const ProtoProp& p, const std::string& kernel);
// Validates a user value (a single "=" value) against p and the kernel's
// related values, and returns it normalized.
Result<std::string> normalize(netlink::Kernel& k, const ProtoProp& p, uint32_t proto,
                              const std::string& v);
const EnumVal* enum_of(const ProtoProp& p, const std::string& name);
// The persisted value of p: the line under its canonical protocol, else one
// under another protocol of its group (an imported store); "" if none.
std::string persisted_of(const ProtoProp& p, const std::vector<store::PropRecord>& recs);

// ---- interface properties (props_if.cc) ----
struct IfCtx {
  netlink::Kernel& kernel;
  netlink::Link link;
  uint32_t fam;                       // kIpv4 or kIpv6
  std::optional<uint32_t> base_mtu;   // link MTU before ipadm changed it
  bool mtu_managed = false;           // an ipv4 mtu is set through ipadm
};

struct IfProp {
  const char* name;
  uint32_t families;
  // Current value from the kernel; nullptr: a value ipadm keeps.
  Result<std::string> (*get)(IfCtx&);
  // Validates and normalizes a value (InvalidArg, ERange, NotSup).
  Result<std::string> (*check)(IfCtx&, std::string_view v);
  // Puts the value into the kernel; nullptr: nothing to put.
  Status (*put)(IfCtx&, const std::string& v);
  std::string (*def)(IfCtx&);
  std::string (*possible)(IfCtx&);
  // After a change, re-set the route metric of the family's addresses.
  bool refresh_addrs = false;
};

std::span<const IfProp> if_table();
const IfProp* find_if_prop(std::string_view name, uint32_t fam);
bool if_prop_known(std::string_view name);
// set-ifprop's checks of a protocol and a property name: the row, or
// InvalidArg / BadProtocol / PropUnknown as set-ifprop reports them.
Result<const IfProp*> if_prop_ref(const std::string& protocol, const std::string& name);

// ---- address properties (props_addr.cc) ----
// The state ipadm wants an address to have in the kernel.
struct AddrWant {
  bool deprecated = false;
  bool transmit = true;
  bool noprefixroute = false;
  std::optional<uint32_t> valid, preferred;  // seconds; nullopt = infinite
  std::optional<uint32_t> metric;            // the address's own metric
  std::optional<uint32_t> if_metric;         // the interface's (fallback)
};

enum class AKind {
  kReadOnly,   // r-: derived from the object
  kWant,       // in the kernel through a replace (lifetimes, metric)
  kReadd,      // in the kernel through delete + add
  kMeta,       // kept by ipadm only
  kPrefixlen,  // the object's prefix length (map, store AddrRecord)
  kZone,       // only the current network namespace
  kDhcpOnly,   // DHCP only, read-only (primary)
  kDhcpMeta,   // DHCP only, kept by ipadm (reqhost)
};

struct AddrProp {
  const char* name;
  const char* perm;
  AKind kind;
  Result<std::string> (*check)(const AddrObj&, std::string_view v);
  std::string (*def)(const AddrObj&);
  // Current value from the kernel's address (nullptr if not there) or the
  // wanted state; nullptr: a value ipadm keeps (kMeta).
  std::string (*current)(const AddrObj&, const netlink::Addr* kernel, const AddrWant& want);
  const char* possible;  // nullptr: the prefix-length range of the family
};

std::span<const AddrProp> addr_table();
const AddrProp* find_addr_prop(std::string_view name);
// set-addrprop's checks of a property name on o (its type): the row, or
// NotSup / PropUnknown as set-addrprop reports them. `persistent`: a
// persistent set (not temporary, not a reset).
Result<const AddrProp*> addr_prop_ref(const AddrObj& o, const std::string& name,
                                      bool persistent);
// A default of the table, needed elsewhere: the prefix length rule ("" for
// point-to-point or when there is none).
std::string default_prefixlen_text(const AddrObj& o);

// Fills req's optional fields from w.
void want_to_request(const AddrWant& w, netlink::AddrRequest* req);
// The route metric w gives the prefix route (0 = none set).
inline uint32_t effective_metric(const AddrWant& w) {
  return w.metric.value_or(w.if_metric.value_or(0));
}

}  // namespace ipadm::core::props

namespace ipadm::core {

struct PropService::Remetric {
  AddrObj obj;
  props::AddrWant before, after;
};

}  // namespace ipadm::core
