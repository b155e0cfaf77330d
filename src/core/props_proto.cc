// Protocol (module) properties: set-prop, reset-prop, show-prop and the
// start-up re-application (spec 4.1, 6.6). Values are sysctls; the table is
// in props_table.cc.
#include <set>

#include "core/props.h"
#include "core/props_impl.h"

namespace ipadm::core {

using namespace props;

Result<std::string> PropService::proto_current_(const ProtoProp& p) {
  size_t n = field_count(p);
  if (n == 0) {
    for (const EnumVal& e : p.enums)
      if (e.kernel && !*e.kernel) return std::string(e.name);
    return std::string();
  }
  if (!p.split) {
    auto v = read_field(kernel_, p.fields[0]);
    IPADM_TRY(v);
    return to_user(p, *v);
  }
  std::vector<std::string> t;
  for (size_t i = 0; i < n; ++i) {
    auto v = read_field(kernel_, p.fields[i]);
    IPADM_TRY(v);
    t.push_back(*v);
  }
  return to_user(p, join(t, " "));
}

void PropService::proto_undo_(const std::vector<std::pair<std::string, std::string>>& undo) {
  for (auto it = undo.rbegin(); it != undo.rend(); ++it)  // "\n": see proto_write_
    kernel_.sysctl_set(it->first, it->second.empty() ? "\n" : it->second).ignore();
}

// REQUIRES: v normalized (op 0) or a port list (ops 1, 2).
// congestion_control: what the kernel had before ipadm first set it; until
// then, what it has now. Others: the table's default.
std::string PropService::proto_default_(const ProtoProp& p) {
  if (p.type != PType::kCongestion) return default_value(kernel_, p);
  if (base_cc_) return *base_cc_;
  auto cur = read_field(kernel_, p.fields[0]);
  return cur ? *cur : default_value(kernel_, p);
}

// The ports of a port-list property now in the kernel.
static Result<PortSet> kernel_ports(netlink::Kernel& k, const ProtoProp& p) {
  auto cur = read_sysctl(k, p.fields[0].path);
  IPADM_TRY(cur);
  return PortSet::parse(*cur);
}

Status PropService::proto_write_(const ProtoProp& p, const std::string& v, int op,
                                 std::vector<std::pair<std::string, std::string>>* undo) {
  // New text of each path, computed before anything is written.
  std::vector<std::pair<std::string, std::string>> writes;
  const size_t n = field_count(p);
  if (p.type == PType::kPortList) {
    auto set = kernel_ports(kernel_, p);
    IPADM_TRY(set);
    auto arg = PortSet::parse(v);
    IPADM_TRY(arg);
    if (op == 0) {
      *set = *arg;
    } else if (op == 1) {
      set->add(*arg);
    } else {
      if (!set->contains_all(*arg))
        return Status(Errc::ESrch, v + " is not in " + p.name + " (" + set->to_string() + ")");
      set->remove(*arg);
    }
    // An empty write leaves a Linux bitmap sysctl as it is; "\n" clears it.
    writes.emplace_back(p.fields[0].path, set->empty() ? "\n" : set->to_string());
  } else {
    std::string kernel = v;
    if (p.type == PType::kOnOff) kernel = v == "on" ? "1" : "0";
    if (p.type == PType::kEnum) {
      const EnumVal* e = enum_of(p, v);
      if (!e || !e->kernel) return Status(Errc::InvalidArg, v);
      kernel = e->kernel;
    }
    std::vector<std::string> tokens = p.split ? split(kernel, " ") : std::vector<std::string>{};
    for (size_t i = 0; i < n; ++i) {
      const Field& f = p.fields[i];
      std::string token = p.split ? (i < tokens.size() ? tokens[i] : "") : kernel;
      if (std::string_view(f.path).find("/*/") != std::string_view::npos) {
        for (const std::string& path : each_link_path(kernel_, f.path))
          writes.emplace_back(path, token);
        continue;
      }
      std::string text = token;
      if (f.index >= 0) {
        auto cur = read_sysctl(kernel_, f.path);
        IPADM_TRY(cur);
        auto t = with_token(*cur, f, token);
        IPADM_TRY(t);
        text = *t;
      }
      writes.emplace_back(f.path, text);
    }
  }
  if (p.type == PType::kCongestion && !base_cc_)
    if (auto cur = read_field(kernel_, p.fields[0])) base_cc_ = *cur;
  for (auto& [path, text] : writes) {
    auto old = read_sysctl(kernel_, path);
    Status s = old.status();
    if (s) s = kernel_.sysctl_set(path, text);
    if (!s) {
      proto_undo_(*undo);
      undo->clear();
      if (s.code() == Errc::NotFound)
        s = p.type == PType::kCongestion
                ? Status(Errc::InvalidArg, "congestion control '" + v + "' is not available")
                : Status(Errc::NotSup, path + " is not available on this kernel");
      return s;
    }
    undo->emplace_back(path, *old);
  }
  return Status::ok();
}

// += / -= of a port list take one port, as the illumos kernel
// (mod_set_extra_privports): a decimal number in range, and for += one not
// in the list yet (EEXIST); -= of an absent one is ESrch in proto_write_.
Status PropService::check_one_port_(const ProtoProp& p, const std::string& v, int op) {
  auto port = parse_int(v, p.min, p.max);
  if (!port && port.status().code() == Errc::ERange) return port.status();
  if (!port)
    return Status(Errc::InvalidArg, "'" + v + "': " + p.name + " takes one port at a time");
  if (op != 1) return Status::ok();
  auto set = kernel_ports(kernel_, p);
  IPADM_TRY(set);
  if (set->contains_all(*PortSet::parse(v)))
    return Status(Errc::Exists, v + " is already in " + p.name);
  return Status::ok();
}

Status PropService::set_proto_(const rpc::SetPropReq& req) {
  const std::string& pname = req.protocol().empty() ? req.object() : req.protocol();
  auto bits = proto_bits(pname);
  if (!bits) return Status(Errc::InvalidArg, "invalid protocol '" + pname + "' specified");
  if (!req.object().empty() && proto_bits(req.object()) != bits)
    return Status(Errc::InvalidArg, "protocol '" + req.protocol() + "' and object '" +
                                        req.object() + "' differ");
  auto ref = resolve_proto_prop(req.name(), *bits);
  IPADM_TRY(ref);
  const ProtoProp& p = *ref->prop;
  const int op = req.op();
  if (op != 0 && (req.reset() || p.type != PType::kPortList))
    return Status(Errc::InvalidArg, std::string(p.name) + " is not multi-valued");
  std::string value = req.reset() ? proto_default_(p) : req.value();
  if (!req.reset() && value.empty()) return Status(Errc::InvalidArg, "empty value");
  if (op == 0) {
    auto nv = normalize(kernel_, p, ref->proto, value);
    IPADM_TRY(nv);
    value = *nv;
  } else {
    IPADM_TRY(check_one_port_(p, value, op));
  }

  store::Batch batch;
  if (!req.temporary()) {
    // One line, under the canonical protocol; lines under the group's other
    // protocols (an imported store) go.
    const uint32_t canon = lowest_bit(p.protos);
    auto recs = store_.proto_props();
    IPADM_TRY(recs);
    std::string stored = value;
    if (op != 0) {
      auto cur = PortSet::parse(persisted_of(p, *recs));
      auto arg = PortSet::parse(value);
      IPADM_TRY(arg);
      PortSet s = cur ? *cur : PortSet();
      if (op == 1) s.add(*arg);
      else s.remove(*arg);
      stored = s.to_list();
    }
    for (uint32_t b : each_bit(p.protos)) {
      store::PropRecord key{proto_name(b), "", "", p.name, ""};
      if (b == canon && !req.reset() && !(op != 0 && stored.empty())) {
        key.value = stored;
        batch.add(store::PutProp{key});
      } else {
        batch.add(store::DelProp{key});
      }
    }
  }
  std::vector<std::pair<std::string, std::string>> undo;
  IPADM_TRY(proto_write_(p, value, op, &undo));
  if (!batch.empty()) {
    if (Status s = store_.apply(batch); !s) {
      proto_undo_(undo);
      return s;
    }
  }
  return Status::ok();
}

void PropService::proto_row_(const ProtoProp& p, uint32_t proto,
                             const std::vector<store::PropRecord>& recs, rpc::PropInfo* row) {
  row->set_object(proto_name(proto));
  row->set_protocol(proto_name(proto));
  row->set_name(p.name);
  row->set_perm("rw");
  auto cur = proto_current_(p);
  if (cur) row->set_current(*cur);
  else row->set_error(static_cast<uint32_t>(cur.status().code()));
  row->set_persistent(persisted_of(p, recs));
  row->set_default_value(proto_default_(p));
  row->set_possible(possible_values(kernel_, p, proto));
}

Status PropService::show_proto_(const rpc::ShowPropReq& req, rpc::ShowPropReply* reply) {
  const std::string& pname = req.protocol().empty() ? req.object() : req.protocol();
  uint32_t bits = kAllProtos;
  if (!pname.empty()) {
    auto b = proto_bits(pname);
    if (!b) return Status(Errc::InvalidArg, "invalid protocol '" + pname + "' specified");
    bits = *b;
  }
  auto recs = store_.proto_props();
  IPADM_TRY(recs);
  if (req.names().empty()) {
    for (const ShowOrder& o : show_order())
      if (o.proto & bits)
        if (const ProtoProp* p = find_proto_prop(o.name, o.proto))
          proto_row_(*p, o.proto, *recs, reply->add_props());
    return Status::ok();
  }
  for (const std::string& name : req.names()) {
    std::set<std::pair<const ProtoProp*, uint32_t>> done;
    Errc err = Errc::PropUnknown;
    for (uint32_t bit : each_bit(bits)) {
      auto ref = resolve_proto_prop(name, bit);
      if (!ref) {
        if (ref.status().code() == Errc::BadProtocol) err = Errc::BadProtocol;
        continue;
      }
      if (done.insert({ref->prop, ref->proto}).second)
        proto_row_(*ref->prop, ref->proto, *recs, reply->add_props());
    }
    if (done.empty()) {
      rpc::PropInfo* row = reply->add_props();
      row->set_object(pname);
      row->set_protocol(pname);
      row->set_name(name);
      row->set_error(static_cast<uint32_t>(err));
    }
  }
  return Status::ok();
}

void PropService::apply_persisted_proto_props(std::vector<std::string>* failures) {
  auto recs = store_.proto_props();
  if (!recs) {
    failures->push_back("store: " + recs.status().to_string());
    return;
  }
  // Values checked against each other (the port range) may need the other
  // one applied first: what fails is tried once more after the rest.
  std::vector<const store::PropRecord*> todo;
  for (const auto& r : *recs) todo.push_back(&r);
  for (int pass = 0; pass < 2 && !todo.empty(); ++pass) {
    std::vector<const store::PropRecord*> failed;
    std::vector<Status> why;
    for (const store::PropRecord* r : todo) {
      Status s = apply_proto_record_(*r);
      if (!s) {
        failed.push_back(r);
        why.push_back(s);
      }
    }
    if (pass == 1 || failed.size() == todo.size()) {
      for (size_t i = 0; i < failed.size(); ++i)
        failures->push_back(failed[i]->protocol + "/" + failed[i]->name + ": " +
                            why[i].to_string());
      return;
    }
    todo = std::move(failed);
  }
}

Status PropService::apply_proto_record_(const store::PropRecord& r) {
  auto bits = proto_bits(r.protocol);
  if (!bits) return Status(Errc::InvalidArg, "invalid protocol '" + r.protocol + "'");
  auto ref = resolve_proto_prop(r.name, *bits);
  IPADM_TRY(ref);
  const ProtoProp& p = *ref->prop;
  // A port list joins what the system already reserves (illumos init mode).
  const int op = p.type == PType::kPortList ? 1 : 0;
  std::string value = r.value;
  if (op == 0) {
    auto nv = normalize(kernel_, p, ref->proto, value);
    IPADM_TRY(nv);
    value = *nv;
  } else if (value.empty()) {
    return Status::ok();
  }
  std::vector<std::pair<std::string, std::string>> undo;
  return proto_write_(p, value, op, &undo);
}

}  // namespace ipadm::core
