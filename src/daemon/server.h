// Server: the RPC endpoint of ipmgmtd on an AF_UNIX SOCK_SEQPACKET socket.
//
// Accepts connections, takes the peer's credentials at accept, checks the
// version handshake, the size cap and the access level of every request
// (access.h) before the Service sees it, and streams the replies. A peer
// that breaks the protocol (bad framing, oversize, unknown request, no
// handshake) is disconnected without a reply. Each connection is served by
// its own thread, so a slow request of one client does not stall the
// accept loop; the Service serializes what must be serialized.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <optional>
#include <shared_mutex>
#include <string>

#include "common/status.h"
#include "core/service.h"
#include "daemon/import_assembly.h"
#include "daemon/peer.h"

namespace ipadm::daemon {

class Server {
 public:
  Server(core::Service& svc, std::optional<gid_t> auth_gid) : svc_(svc), auth_gid_(auth_gid) {}
  ~Server();

  // Binds and listens at path (mode 0666: READ is open to all; WRITE is
  // checked per request). Refuses if a live daemon already answers there;
  // a stale socket file is replaced.
  Status listen(const std::string& path);

  // Serves until stop_fd becomes readable (a signalfd), then stops
  // accepting and waits for in-flight requests to finish.
  Status serve(int stop_fd);

  size_t max_clients = 256;
  // Called about every tick_ms from the accept loop (housekeeping).
  std::function<void()> tick;
  int tick_ms = 5000;

 private:
  void serve_conn_(int fd);
  struct Conn {
    bool greeted = false;
    ImportAssembly import;  // the import in progress
  };
  bool handle_one_(int fd, const Peer& peer, Conn* conn);

  core::Service& svc_;
  std::optional<gid_t> auth_gid_;
  int listen_fd_ = -1;
  std::string path_;
  std::atomic<size_t> clients_{0};
  std::shared_mutex inflight_;
};

}  // namespace ipadm::daemon
