// Server: the RPC endpoint of ipmgmtd on an AF_UNIX SOCK_SEQPACKET socket.
//
// Accepts connections, takes the peer's credentials at accept and admits
// the connection or refuses it (admission.h: a per-user cap and a reserve
// that root and the authorized group always find free), checks the version
// handshake, the size cap and the access level of every request (methods.h)
// before the Service sees it, and streams the replies. A peer that breaks
// the protocol (bad framing, oversize, unknown request, no handshake) is
// disconnected without a reply. Each connection is served by its own
// thread, so a slow request of one client does not stall the accept loop;
// the Service serializes what must be serialized.
//
// A connection holds at most one request and its reply at a time: its
// next request is not read before the last chunk of the reply is in the
// socket. Deadlines (ipmgmtd(8), LIMITS): the Hello within hello_timeout_ms
// of the connect, a request within idle_timeout_ms of the last reply, and
// room for the next reply datagram within stall_timeout_ms; past any of
// them the connection is closed. Replies held for unauthorized peers count
// against one shared byte budget (reply_budget.h), and at most
// kUnauthorizedInService of their requests are in the Service at once.
#pragma once

#include <sys/types.h>

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>

#include "common/status.h"
#include "core/service.h"
#include "daemon/admission.h"
#include "daemon/import_assembly.h"
#include "daemon/peer.h"
#include "daemon/reply_budget.h"
#include "daemon/reply_source.h"
#include "daemon/slot_gate.h"

namespace ipadm::daemon {

// Requests of unauthorized peers that may be in the Service at once.
constexpr int kUnauthorizedInService = 2;

class Server {
 public:
  Server(core::Service& svc, std::optional<gid_t> auth_gid) : svc_(svc), auth_gid_(auth_gid) {}
  ~Server();

  // Binds and listens at path (mode 0666: READ is open to all; WRITE is
  // checked per request). Refuses if a live daemon already answers there;
  // a stale socket file is replaced.
  Status listen(const std::string& path);

  // Serves until stop_fd becomes readable (a signalfd), then stops
  // accepting and waits for in-flight requests to finish. Sets the
  // process's malloc arena limit to 2 (M_ARENA_MAX).
  Status serve(int stop_fd);

  // Limits, read when serve() starts (values documented in ipmgmtd(8)).
  ConnLimits limits;
  int hello_timeout_ms = 2000;
  int idle_timeout_ms = 60000;
  int stall_timeout_ms = 10000;
  size_t unauthorized_reply_bytes = 16u << 20;
  // Refusals being answered at once; past this a refused connection is
  // closed without its "Too many connections" reply.
  int max_refusing = 64;

  // Called about every tick_ms from the accept loop (housekeeping).
  std::function<void()> tick;
  int tick_ms = 5000;

 private:
  struct Conn;
  void accept_one_();
  static void refuse_(int fd, const std::string& detail);
  void serve_conn_(Conn& conn);
  bool handle_one_(Conn& conn, const std::string& bytes);
  std::unique_ptr<ReplySource> run_(const rpc::Request& req);
  bool answer_unauthorized_(Conn& conn, const rpc::Request& req);
  bool refuse_for_budget_(Conn& conn, const rpc::Request& req);
  bool send_reply_(Conn& conn, rpc::Reply reply);
  bool send_source_(Conn& conn, ReplySource& src);

  core::Service& svc_;
  std::optional<gid_t> auth_gid_;
  int listen_fd_ = -1;
  std::string path_;
  std::shared_ptr<Admission> admission_;
  std::shared_ptr<ReplyBudget> budget_;
  // Refusals being answered (max_refusing); shared with their threads.
  std::shared_ptr<std::atomic<int>> refusing_ = std::make_shared<std::atomic<int>>(0);
  // Unauthorized requests in the Service at once (kUnauthorizedInService).
  SlotGate unauthorized_gate_{kUnauthorizedInService};
  // Size of the last reply to an unauthorized peer, by request type.
  std::array<std::atomic<size_t>, 64> last_size_{};
  std::shared_mutex inflight_;
};

}  // namespace ipadm::daemon
