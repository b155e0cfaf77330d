// The JSON import/export format of ConfSnapshot ("ipadm export -f json").
// Pure functions: no I/O, no logging, no exceptions (nlohmann::json is used
// only through its non-throwing paths).
//
// Schema, version 1 (stable: later versions only add keys):
//
//   {
//     "format": "ipadm-linux",                       required
//     "version": 1,                                  required; > 1 -> NotSup
//     "interfaces": [                                optional, default []
//       {"ifname": STR, "ipv4": BOOL, "ipv6": BOOL}  ipv4/ipv6 default false
//     ],
//     "addresses": [                                 optional, default []
//       {"aobjname": STR,                            "IF/USER", required
//        "ifname": STR,                              default: IF of aobjname; must match
//        "family": 4 | 6,                            required for static;
//                                                    dhcp 4, addrconf 6 (default)
//        "type": "static" | "dhcp" | "addrconf",     required
//        "local": STR, "remote": STR,                static only; local required
//        "prefixlen": INT | null,                    null/absent = default rule
//        "up": BOOL,                                 default true
//        "extra": STR}                               dhcp "WAIT,PRIMARY",
//                                                    addrconf "TOKEN/PLEN,STATELESS,STATEFUL"
//     ],
//     "properties": [                                optional, default []
//       {"protocol": STR, "ifname": STR,             absent = ""; shapes as PropRecord:
//        "aobjname": STR, "name": STR,               protocol / interface / address property
//        "value": STR}                               name and value required
//     ],
//     "routes": [                                    optional, default [] (create-route;
//                                                    written only when not empty)
//       {"destination": STR,                         "default" or "PREFIX/LEN", required
//        "gateway": STR, "interface": STR,           absent = "" (on-link / any link)
//        "metric": INT,                              0..4294967295, default 0
//        "family": 4 | 6}                            optional; must match the addresses
//     ]
//   }
//
// Members are written in the order above; arrays in store order.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/conf_model.h"

namespace ipadm::store {

constexpr int kConfJsonVersion = 1;
constexpr size_t kConfJsonMaxDepth = 8;

// Pretty-printed (2-space indent), ending with '\n'. Strings that are not
// valid UTF-8 have the bad bytes replaced by U+FFFD.
std::string format_conf_json(const ConfSnapshot& s);

// Parses the schema above. Unknown members are left out and reported in
// *warnings as "<json path>: unknown key, ignored" (warnings may be null).
// Invalid JSON, a wrong type, a missing required member or a value out of
// range -> InvalidArg (InvalidName for a bad interface name; NotSup for a
// newer version) whose detail starts with the JSON path, e.g.
// "$.addresses[2].prefixlen: expected an integer or null". A snapshot that
// fails validate_snapshot() (undefined interface, key given twice...) ->
// its status, naming the record. Nothing is returned on error.
Result<ConfSnapshot> parse_conf_json(std::string_view text, std::vector<std::string>* warnings);

}  // namespace ipadm::store
