// SqliteVolatileStore: the VolatileStore on an SQLite file on tmpfs
// (Paths::volatile_db(), /run/ipadm/aobjmap.db).
//
// journal_mode=WAL, synchronous=OFF: a committed call survives a crash of
// the daemon (the data is in the OS page cache), not of the machine, which
// tmpfs would lose anyway. Every call is one transaction. Rows keep creation
// order (load() returns them in that order); put_* are upserts that keep a
// row's position. IpAddr values are stored as IpAddr::to_string() text
// (NULL for an unset address, family 0) and parsed back by load(); a row
// that does not parse makes load() fail with EBade.
//
// Thread rules: not thread-safe; the daemon serializes all calls. The caller
// creates the directory.
#pragma once

#include <memory>
#include <string>

#include "store/sqlite_db.h"
#include "store/volatile_store.h"

namespace ipadm::store {

class SqliteVolatileStore : public VolatileStore {
 public:
  // Opens or creates the file at path (":memory:" works) and brings it to
  // kCurrentVolatileSchemaVersion. NotSup if the file has a newer schema
  // (the caller may remove it and start empty).
  static Result<std::unique_ptr<SqliteVolatileStore>> open(const std::string& path);

  Result<VolatileState> load() override;
  Status put_if(const IfObj& o) override;
  Status del_if(const std::string& ifname) override;  // and its addrs
  Status put_addr(const AddrObj& o) override;
  Status del_addr(const std::string& aobjname) override;
  Status put_values(const std::map<std::string, std::string>& values) override;
  Status put_temp_routes(const std::vector<RouteRecord>& routes) override;
  // All of objs in one transaction.
  Status put_addrs(const std::vector<AddrObj>& objs) override;

 private:
  explicit SqliteVolatileStore(Db db) : db_(std::move(db)) {}

  Db db_;
};

}  // namespace ipadm::store
