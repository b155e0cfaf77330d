// NetlinkKernel: the Kernel interface over rtnetlink (libmnl) and /proc/sys.
//
// Works in the network namespace the calling thread is in when open() runs
// (the socket stays bound to it). Owns one request socket for all requests,
// dumps and pipelined batches; addr_wait_dad opens a short-lived monitor
// socket per call. Not thread-safe: core::Service serializes calls. Errors map
// kernel errno through errc_from_errno with these exceptions: addr_del
// EADDRNOTAVAIL -> NotFound; ENODEV -> Enxio everywhere. Details carry the
// object (address, ifname, ifindex or sysctl path) and the extended-ack
// text. Dumps filter on the kernel side (NETLINK_GET_STRICT_CHK), so addrs()
// of a missing ifindex is Enxio. Calls block on the kernel only, except that
// an interrupted dump backs off (<= ~95 ms) and addr_wait_dad waits up to its
// timeout. The request socket asks for a 4 MiB receive buffer
// (SO_RCVBUFFORCE needs CAP_NET_ADMIN; otherwise rmem_max caps it and
// batches shrink to fit). Nothing here logs.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "netlink/kernel.h"
#include "netlink/nl_socket.h"
#include "netlink/sysctl.h"

namespace ipadm::netlink {

class NetlinkKernel final : public Kernel {
 public:
  struct Options {
    std::string sysctl_root;  // empty: kProcSys
    size_t batch_size = 256;  // RTM_NEWADDR per sendmsg (capped by socket buffers)
    // Attempts of a dump that comes back marked NLM_F_DUMP_INTR (changed
    // while dumping), with a back-off of 1, 2, 4 ... 32 ms between them:
    // 8 attempts wait at most ~95 ms in all.
    int dump_retries = 8;
  };

  static Result<std::unique_ptr<NetlinkKernel>> open();
  static Result<std::unique_ptr<NetlinkKernel>> open(Options opts);

  Result<std::vector<Link>> links() override;
  Result<Link> link_by_name(const std::string& ifname) override;
  Result<std::vector<Addr>> addrs(int family, int ifindex) override;

  Status addr_add(const AddrRequest& req) override;
  Status addr_del(const AddrRequest& req) override;
  Status addr_replace(const AddrRequest& req) override;
  // On a socket error returns it; *results still holds one status per
  // request, the error for those whose outcome is unknown.
  Status addr_add_batch(std::span<const AddrRequest> reqs,
                        std::vector<Status>* results) override;
  Result<uint32_t> addr_wait_dad(const AddrRequest& req, int timeout_ms) override;

  Result<std::vector<Route>> routes(int family) override;
  Status route_add(const RouteRequest& req) override;
  Status route_del(const RouteRequest& req) override;

  Status link_set_up(int ifindex, bool up) override;
  Status link_set_arp(int ifindex, bool arp) override;
  Status link_set_mtu(int ifindex, uint32_t mtu) override;
  Status link_set_addr_gen_mode(int ifindex, uint8_t mode) override;
  Status link_set_token(int ifindex, const IpAddr& token) override;

  Result<std::string> sysctl_get(const std::string& path) override;
  Status sysctl_set(const std::string& path, const std::string& value) override;

  // Messages per sendmsg actually used by addr_add_batch.
  size_t batch_size() const { return batch_size_; }

 private:
  using Builder = std::function<size_t(std::span<uint8_t> buf, uint32_t seq)>;

  NetlinkKernel(NlSocket sock, Options opts);

  // Runs the dump build() makes, retrying while it comes back interrupted
  // (Failure with sys_errno EINTR once the attempts run out); reset() runs
  // before each attempt, on_msg for each reply message.
  Status dump(const Builder& build, const std::function<void()>& reset,
              const NlMsgFn& on_msg, std::string_view context);
  Status dump_addrs(int family, int ifindex, std::vector<Addr>* out);
  // The flags of req's address (matched by ifindex, local), or NotFound.
  Result<uint32_t> addr_flags(const AddrRequest& req);
  // Sends one pipelined chunk and collects its ACKs into results.
  Status add_chunk(std::span<const AddrRequest> reqs, std::span<Status> results);
  Status set_link(const LinkChange& c);

  NlSocket sock_;
  Options opts_;
  size_t batch_size_;
  std::vector<uint8_t> txbuf_;  // batch_size_ * kMaxRequestLen, for batches
};

}  // namespace ipadm::netlink
