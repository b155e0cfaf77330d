// Import and export glue between a Store and ConfSnapshot: read the whole
// store, turn a snapshot into the one Batch an import applies, and pick the
// parser for an import text.
//
// No I/O other than the Store passed in; no logging. The caller (ipmgmtd)
// owns the Store and serializes writers (see store.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/conf_model.h"
#include "store/store.h"

namespace ipadm::store {

// StaticRoutes: the illumos /etc/inet/static_routes file (`route -p`),
// import only (store/static_routes.h).
enum class ConfFormat { Illumos, Json, StaticRoutes };

// "illumos" or "json" (the names of `ipadm export -f`); InvalidArg otherwise.
Result<ConfFormat> conf_format_from_name(std::string_view name);

// By the first character that is not blank and not in a '#' comment line:
// '{' Json, '-' StaticRoutes (its lines start with -inet/-inet6), else
// Illumos. A StaticRoutes text parses to a snapshot of routes only.
ConfFormat conf_format_of(std::string_view text);

// Parses text in the format conf_format_of() detects; see parse_illumos_conf()
// and parse_conf_json() for the contract (warnings may be null).
Result<ConfSnapshot> parse_conf(std::string_view text, std::vector<std::string>* warnings);

// Parses text as format (no detection).
Result<ConfSnapshot> parse_conf_as(std::string_view text, ConfFormat format,
                                   std::vector<std::string>* warnings);
// Writes s in the given format. For Illumos this first checks that every
// field can be written (check_illumos_conf); InvalidArg otherwise.
Result<std::string> format_conf(const ConfSnapshot& s, ConfFormat format);

// Merge import: PutIf for every interface, then PutAddr for every address,
// then PutProp for every property, then PutRoute for every route, in
// snapshot order. Records with the key of
// a stored record replace it (an interface's families are replaced, not
// OR-ed); nothing else in the store changes.
// REQUIRES: validate_snapshot(s) is OK (the parsers guarantee it).
Batch to_import_batch(const ConfSnapshot& s);

// Replacing import: first removes everything in `current` (DelIf for each
// interface, which cascades to its addresses and properties, DelProp for
// each protocol property, DelRoute for each route), then the ops of
// to_import_batch(next). Applied in
// one transaction, the store afterwards holds exactly `next`, in its order.
Batch to_replace_batch(const ConfSnapshot& current, const ConfSnapshot& next);

// Everything in the store, in store order: interfaces(), addrs(""),
// all_props(), routes().
Result<ConfSnapshot> snapshot_of(Store& store);

}  // namespace ipadm::store
