// Integrity check of an SQLite database file (the store or the volatile
// mirror), for crash tests and `ipmgmtd` diagnostics.
//
// Opens the file read-only (it is never modified; a WAL left behind by a
// crashed writer is read, not checkpointed), runs `PRAGMA integrity_check`
// and `PRAGMA foreign_key_check`. Thread rules: none (own connection).
#pragma once

#include <string>

#include "common/status.h"

namespace ipadm::store {

// OK if the database is consistent. Failure with the first problems reported
// by SQLite in detail otherwise; the open's Status if the file cannot be read
// (a missing file is an error, not an empty database).
Status check_integrity(const std::string& path);

}  // namespace ipadm::store
