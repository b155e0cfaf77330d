// The temporary values PropService keeps itself (props.h: if_values_,
// addr_values_) in the volatile mirror, so that a daemon restart keeps an
// acknowledged `-t` value of a property the kernel cannot hold.
//
// Encoding (one row per value; '\t' cannot appear in names):
//   "a\t" AOBJNAME "\t" PROP        -> LOCAL "\t" VALUE
//   "i\t" IFNAME "\t" FAM "\t" PROP -> VALUE
//   "k\tmtu\t" IFNAME              -> the link MTU before ipadm changed it
//   "k\tcongestion_control"         -> tcp_congestion_control before ipadm
#include <charconv>

#include "core/props.h"

namespace ipadm::core {

namespace {

std::vector<std::string> fields(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t tab = s.find('\t', start);
    out.push_back(s.substr(start, tab == std::string::npos ? tab : tab - start));
    if (tab == std::string::npos) return out;
    start = tab + 1;
  }
}

}  // namespace

std::map<std::string, std::string> PropService::encode_values_() const {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : addr_values_)
    out["a\t" + k.first + "\t" + k.second] = v.local.to_string() + "\t" + v.value;
  for (const auto& [k, v] : if_values_)
    out["i\t" + std::get<0>(k) + "\t" + std::to_string(std::get<1>(k)) + "\t" + std::get<2>(k)] = v;
  for (const auto& [ifname, mtu] : base_mtu_) out["k\tmtu\t" + ifname] = std::to_string(mtu);
  if (base_cc_) out["k\tcongestion_control"] = *base_cc_;
  return out;
}

void PropService::load_values(const std::map<std::string, std::string>& values) {
  addr_values_.clear();
  if_values_.clear();
  base_mtu_.clear();
  base_cc_.reset();
  for (const auto& [key, value] : values) {
    auto k = fields(key);
    if (k.size() == 3 && k[0] == "k" && k[1] == "mtu") {
      uint32_t mtu = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), mtu);
      if (ec == std::errc() && p == value.data() + value.size() && mtu > 0) base_mtu_[k[2]] = mtu;
      continue;
    }
    if (k.size() == 2 && k[0] == "k" && k[1] == "congestion_control") {
      if (!value.empty()) base_cc_ = value;
      continue;
    }
    if (k.size() == 3 && k[0] == "a") {
      auto v = fields(value);
      if (v.size() != 2) continue;  // not ours: ignored
      AddrValue av{IpAddr::parse(v[0]).value_or(IpAddr{}), v[1]};
      addr_values_[{k[1], k[2]}] = av;
    } else if (k.size() == 4 && k[0] == "i") {
      uint32_t fam = 0;
      auto [p, ec] = std::from_chars(k[2].data(), k[2].data() + k[2].size(), fam);
      if (ec != std::errc() || p != k[2].data() + k[2].size()) continue;
      if_values_[{k[1], fam, k[3]}] = value;
    }
  }
  synced_ = encode_values_();
}

Status PropService::sync_values() {
  store::VolatileStore* mirror = map_.mirror();
  if (!mirror) return Status::ok();
  auto now = encode_values_();
  if (now == synced_) return Status::ok();
  IPADM_TRY(mirror->put_values(now));
  synced_ = std::move(now);
  return Status::ok();
}

}  // namespace ipadm::core
