// libipadm's reception of a streamed reply (client/client.h): the parts of
// one list, sent by a scripted server, arrive as one reply holding every
// element once, in order; a part of another request is refused (EBade).
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "client/client.h"
#include "store/temp_dir.h"

namespace ipadm::client {
namespace {

using store::testing::TempDir;

rpc::Request recv_request(int fd) {
  std::vector<char> buf(kMaxMessage);
  ssize_t n = recv(fd, buf.data(), buf.size(), 0);
  rpc::Request r;
  EXPECT_TRUE(n > 0 && r.ParseFromArray(buf.data(), static_cast<int>(n)));
  return r;
}

// No assertion: after a refused part the client may have hung up already.
void send_reply(int fd, const rpc::Reply& r) {
  std::string out = r.SerializeAsString();
  send(fd, out.data(), out.size(), MSG_NOSIGNAL);
}

// A one-connection server at ROOT/run/ipadm/ipmgmt.sock: answers the Hello,
// then the first request with `parts` show-addr parts of `per` objects each
// (named a0, a1, ... across parts); id_skew is added to the id of the second
// part.
class ScriptedServer {
 public:
  ScriptedServer(const std::string& root, int parts, int per, uint64_t id_skew) {
    std::filesystem::create_directories(root + "/run/ipadm");
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::string path = Paths::for_root(root).socket();
    std::strncpy(sa.sun_path, path.c_str(), sizeof(sa.sun_path) - 1);
    lfd_ = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    EXPECT_EQ(bind(lfd_, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0);
    EXPECT_EQ(listen(lfd_, 1), 0);
    thread_ = std::thread([=, this] {
      int fd = accept(lfd_, nullptr, nullptr);
      rpc::Request hello = recv_request(fd);
      rpc::Reply hr;
      hr.set_id(hello.id());
      hr.mutable_hello()->set_version(kProtocolVersion);
      send_reply(fd, hr);
      rpc::Request req = recv_request(fd);
      int k = 0;
      for (int p = 0; p < parts; p++) {
        rpc::Reply r;
        r.set_id(req.id() + (p == 1 ? id_skew : 0));
        r.set_more(p + 1 < parts);
        auto* list = r.mutable_show_addr();
        for (int i = 0; i < per; i++) list->add_addrs()->set_aobjname("a" + std::to_string(k++));
        send_reply(fd, r);
      }
      close(fd);
    });
  }
  ~ScriptedServer() {
    thread_.join();
    close(lfd_);
  }

 private:
  int lfd_ = -1;
  std::thread thread_;
};

TEST(ClientStream, PartsMergeInOrderWithoutLoss) {
  TempDir t;
  ScriptedServer server(t.path(), 3, 500, 0);
  Client c(Paths::for_root(t.path()));
  auto r = c.show_addr("", "");
  ASSERT_TRUE(r) << r.status().to_string();
  ASSERT_EQ(r->addrs_size(), 1500);
  for (int i = 0; i < 1500; i++) ASSERT_EQ(r->addrs(i).aobjname(), "a" + std::to_string(i));
}

TEST(ClientStream, APartOfAnotherRequestIsRefused) {
  TempDir t;
  ScriptedServer server(t.path(), 3, 2, 7);
  Client c(Paths::for_root(t.path()));
  auto r = c.show_addr("", "");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().code(), Errc::EBade);
}

}  // namespace
}  // namespace ipadm::client
