// The RPC method table: one row per request type, the only place that says
// what a request is (docs/protocol.md):
//   request  -- the Request body case it answers (= the proto field number);
//   access   -- READ requests are open to every local user (as in illumos);
//               WRITE requests need authorization (uid 0 or the authorized
//               group, see peer.h);
//   run      -- the Service handler; fills the reply body on success;
//   list     -- for a reply that may outgrow one datagram, its repeated
//               field (ReplyChunker cuts it); none for small replies;
//   open     -- instead of run, for a listing sent as it is built
//               (listing_reply.h): opens it, or says why not.
// A request type without a row is refused (the connection ends); a unit
// test checks that every Request body field of proto/ipmgmt.proto has one.
#pragma once

#include <memory>
#include <span>

#include "common/status.h"
#include "core/service.h"
#include "daemon/reply_source.h"
#include "ipmgmt.pb.h"

namespace ipadm::daemon {

enum class Access { Read, Write };

// Operations on the repeated field of one chunkable reply kind.
struct ListField {
  rpc::Reply::BodyCase reply = rpc::Reply::BODY_NOT_SET;  // BODY_NOT_SET: not chunkable
  int (*count)(rpc::Reply& r) = nullptr;
  // Swaps the items of a and b (b takes a's body kind if it has none).
  void (*swap)(rpc::Reply& a, rpc::Reply& b) = nullptr;
  // Moves items of src, from *pos on, into dst (same kind) until about
  // max_bytes (at least one item). Returns whether items are left.
  bool (*take)(rpc::Reply& src, rpc::Reply& dst, int* pos, size_t max_bytes) = nullptr;
};

struct Method {
  rpc::Request::BodyCase request;
  Access access;
  // nullptr for Hello, which the server answers itself.
  Status (*run)(core::Service& svc, const rpc::Request& req, rpc::Reply* reply);
  ListField list;
  Result<std::unique_ptr<ReplySource>> (*open)(core::Service& svc,
                                               const rpc::Request& req) = nullptr;
};

std::span<const Method> methods();
// The row of a request type, nullptr if it has none.
const Method* method_of(rpc::Request::BodyCase body);
// The list field of a reply kind, nullptr if that kind is not chunkable.
const ListField* list_of(rpc::Reply::BodyCase body);

}  // namespace ipadm::daemon
