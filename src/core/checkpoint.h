// Checkpoints (ipadm checkpoint / commit / rollback): the state a rollback
// goes back to, and the requests that take the running system there.
//
// A CheckpointState is the persistent configuration (store::ConfSnapshot)
// plus the active state: the live interfaces and address objects of the map
// (temporary ones and their up/down state included) and the current value
// of every writable protocol, interface and address property. A rollback
// compares it with the state now and plans ordinary requests -- the ones a
// client would send -- in phases (plan_*), so that every change goes through
// the normal Service paths; the persistent configuration is then put back
// in one store transaction (Service::rollback, service_checkpoint.cc).
//
// Extension point: each kind of record (interfaces, address objects,
// properties, routes) is one entry of the phase functions below: a new
// kind adds its records to CheckpointState, its fields to the codec and its
// requests to plan_removals / plan_creations / plan_values.
//
// Pure values and functions: no I/O, no locking, no logging.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/objects.h"
#include "common/status.h"
#include "ipmgmt.pb.h"
#include "store/conf_model.h"

namespace ipadm::core {

constexpr uint32_t kCheckpointDefaultSeconds = 120;
constexpr uint32_t kCheckpointMaxSeconds = 7 * 24 * 3600;

// The current value of one writable property (show-prop's CURRENT).
struct PropValue {
  std::string kind;      // "proto", "if", "addr" (SetPropReq.object_kind)
  std::string object;    // protocol, ifname or aobjname
  std::string protocol;  // ipv4/ipv6 for "if", the protocol for "proto", "" for "addr"
  std::string name;
  std::string value;
  bool operator==(const PropValue&) const = default;
};

// A route of ipadm's in the kernel (show-route TYPE static, state ok), as
// typed (store form: ifname "" when -i was not given); temporary: -t.
struct ActiveRoute {
  store::RouteRecord rec;
  bool temporary = false;
  bool operator==(const ActiveRoute&) const = default;
};

struct CheckpointState {
  store::ConfSnapshot conf;     // persistent configuration
  std::vector<IfObj> ifs;       // the map's interfaces (any flags)
  std::vector<AddrObj> addrs;   // the map's address objects (any flags)
  std::vector<PropValue> props; // writable properties of the active objects
  std::vector<ActiveRoute> routes;  // ipadm's routes in the kernel
};

// Versioned JSON text (the store's checkpoint.snapshot column) and back.
// decode: InvalidArg on a malformed or newer text.
std::string encode_checkpoint(const CheckpointState& s);
Result<CheckpointState> decode_checkpoint(const std::string& text);

// Whether two address objects are the same configuration (name, interface,
// type, family, addresses as typed, prefix, type-specific data); up/down
// and the DHCP lease are state, not identity.
bool same_addr_config(const AddrObj& a, const AddrObj& b);

// The phases of a rollback from `now` back to `want`, each planned on the
// state left by the previous one:
//  1. removals: routes of ipadm's that are not in want are deleted;
//     address objects that are not in want (or changed) are deleted; interfaces not in want deleted; interfaces and address
//     objects active now but disabled in want are disabled (-t).
std::vector<rpc::Request> plan_removals(const CheckpointState& want, const CheckpointState& now);
//  2. interfaces: those active in want but not now are enabled (if the map
//     still holds them, disabled) or created (persistent or -t as in want).
std::vector<rpc::Request> plan_interfaces(const CheckpointState& want,
                                          const CheckpointState& now);
//  3. address objects active in want and missing now: enabled (-t) or
//     created, with their type options, persistent or -t, and -d if down;
//     then routes of want missing now: created (persistent or -t), after
//     the addresses that reach their gateways.
std::vector<rpc::Request> plan_creations(const CheckpointState& want,
                                         const CheckpointState& now);
//  4. values: up/down state (-t) of address objects active in both, then
//     every property whose current value differs (set -t to the old value;
//     the persistent values come back with the store).
std::vector<rpc::Request> plan_values(const CheckpointState& want, const CheckpointState& now);

// The create-addr request that re-creates o (static: the addresses as
// typed; dhcp/addrconf: the options of its type-specific data).
rpc::CreateAddrReq create_request(const AddrObj& o, bool temporary);

}  // namespace ipadm::core
