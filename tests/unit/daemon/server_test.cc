// Server deadlines and refusals on a real AF_UNIX socket, with the Service
// on FakeKernel and an in-memory store (short limits to keep it fast).
#include "daemon/server.h"

#include <net/if.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "client/client.h"
#include "common/protocol.h"
#include "netlink/fake_kernel.h"
#include "store/sqlite_store.h"
#include "store/temp_dir.h"

namespace ipadm::daemon {
namespace {

using Clock = std::chrono::steady_clock;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto st = store::SqliteStore::open(":memory:", store::OpenMode::ReadWrite);
    ASSERT_TRUE(st.is_ok());
    store_ = std::move(*st);
    kernel_.add_link("veth0", IFF_BROADCAST | IFF_MULTICAST);
    svc_ = std::make_unique<core::Service>(kernel_, *store_, map_);
    server_ = std::make_unique<Server>(*svc_, std::nullopt);
    server_->hello_timeout_ms = 200;
    server_->idle_timeout_ms = 400;
    server_->stall_timeout_ms = 300;
    path_ = dir_.file("ipmgmt.sock");
  }
  void start() {
    ASSERT_TRUE(server_->listen(path_).is_ok());
    stop_ = eventfd(0, EFD_CLOEXEC);
    thread_ = std::thread([this] { (void)server_->serve(stop_); });
  }
  void TearDown() override {
    if (thread_.joinable()) {
      uint64_t one = 1;
      (void)!write(stop_, &one, sizeof one);
      thread_.join();
      close(stop_);
    }
  }
  int connect_() {
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strcpy(sa.sun_path, path_.c_str());
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
    return fd;
  }
  static void send_req(int fd, const rpc::Request& q) {
    std::string b = q.SerializeAsString();
    ASSERT_EQ(send(fd, b.data(), b.size(), MSG_NOSIGNAL), static_cast<ssize_t>(b.size()));
  }
  static rpc::Request hello(uint64_t id) {
    rpc::Request q;
    q.set_id(id);
    q.mutable_hello()->set_version(kProtocolVersion);
    return q;
  }
  // Receives one datagram within timeout_ms: the reply, or nullopt on EOF.
  static std::optional<rpc::Reply> recv_reply(int fd, int timeout_ms = 3000) {
    pollfd p{fd, POLLIN, 0};
    EXPECT_EQ(poll(&p, 1, timeout_ms), 1) << "nothing within " << timeout_ms << " ms";
    std::string buf(kMaxMessage, '\0');
    ssize_t n = recv(fd, buf.data(), buf.size(), MSG_DONTWAIT);
    if (n <= 0) return std::nullopt;
    rpc::Reply r;
    EXPECT_TRUE(r.ParseFromArray(buf.data(), static_cast<int>(n)));
    return r;
  }
  static double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
  }

  store::testing::TempDir dir_;
  netlink::FakeKernel kernel_;
  std::unique_ptr<store::SqliteStore> store_;
  core::AddrObjMap map_{nullptr};
  std::unique_ptr<core::Service> svc_;
  std::unique_ptr<Server> server_;
  std::string path_;
  int stop_ = -1;
  std::thread thread_;
};

TEST_F(ServerTest, SilentConnectionIsClosedAtTheHelloDeadline) {
  start();
  int fd = connect_();
  auto t0 = Clock::now();
  EXPECT_FALSE(recv_reply(fd));  // EOF
  EXPECT_GE(ms_since(t0), 150);
  EXPECT_LT(ms_since(t0), 1500);
  close(fd);
}

// A request of exactly kMaxMessage bytes is read and answered; one byte more
// ends the connection without a reply (recv_datagram: one recv with
// MSG_TRUNC takes the datagram and says its real length).
TEST_F(ServerTest, RequestOverTheMessageCapEndsTheConnection) {
  start();
  int fd = connect_();
  send_req(fd, hello(1));
  ASSERT_TRUE(recv_reply(fd));
  rpc::Request q;
  q.set_id(2);
  q.mutable_show_if();
  std::string b = q.SerializeAsString();
  b.resize(kMaxMessage, '\0');  // zero bytes after a message: not a valid request
  ASSERT_EQ(send(fd, b.data(), b.size(), MSG_NOSIGNAL), static_cast<ssize_t>(b.size()));
  EXPECT_FALSE(recv_reply(fd)) << "a malformed request is not answered";
  close(fd);
  fd = connect_();
  send_req(fd, hello(3));
  ASSERT_TRUE(recv_reply(fd));
  b = q.SerializeAsString();
  // A valid request padded to the cap with an unknown field (number 1000,
  // length-delimited) is parsed and answered.
  std::string pad = "\xc2\x3e";  // tag: field 1000, wire type 2
  size_t room = kMaxMessage - b.size() - pad.size() - 3;
  pad += static_cast<char>(0x80 | (room & 0x7f));
  pad += static_cast<char>(0x80 | ((room >> 7) & 0x7f));
  pad += static_cast<char>(room >> 14);
  b += pad + std::string(room, 'x');
  ASSERT_EQ(b.size(), kMaxMessage);
  ASSERT_EQ(send(fd, b.data(), b.size(), MSG_NOSIGNAL), static_cast<ssize_t>(b.size()));
  auto r = recv_reply(fd);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id(), 2u);
  EXPECT_EQ(r->status(), 0u) << r->detail();
  b.push_back('x');  // one byte over the cap
  ASSERT_EQ(send(fd, b.data(), b.size(), MSG_NOSIGNAL), static_cast<ssize_t>(b.size()));
  EXPECT_FALSE(recv_reply(fd)) << "EOF, no reply";
  close(fd);
}

TEST_F(ServerTest, IdleConnectionIsClosedAfterTheIdleTimeout) {
  start();
  int fd = connect_();
  send_req(fd, hello(1));
  ASSERT_TRUE(recv_reply(fd));
  // requests every 200 ms keep it open past the Hello deadline and beyond
  // the idle timeout in total
  for (int i = 0; i < 4; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    rpc::Request q;
    q.set_id(2 + i);
    q.mutable_show_if();
    send_req(fd, q);
    auto r = recv_reply(fd);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status(), 0u) << r->detail();
  }
  auto t0 = Clock::now();
  EXPECT_FALSE(recv_reply(fd));
  EXPECT_GE(ms_since(t0), 350);
  EXPECT_LT(ms_since(t0), 2000);
  close(fd);
}

TEST_F(ServerTest, ClientThatNeverReadsIsClosedAfterTheStallTimeout) {
  start();
  int fd = connect_();
  send_req(fd, hello(1));
  // Requests without reading a reply: once the replies fill our receive
  // queue the server stops reading; 300 ms later it closes the connection
  // and our sends fail with EPIPE.
  auto t0 = Clock::now();
  int sent = 0, err = 0;
  while (ms_since(t0) < 5000) {
    rpc::Request q;
    q.set_id(2 + sent);
    q.mutable_show_if();
    std::string b = q.SerializeAsString();
    if (send(fd, b.data(), b.size(), MSG_NOSIGNAL | MSG_DONTWAIT) >= 0) {
      ++sent;
      continue;
    }
    err = errno;
    if (err != EAGAIN) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(err == EPIPE || err == ECONNRESET) << std::strerror(err) << " after " << sent;
  EXPECT_LT(ms_since(t0), 4000);
  int replies = 0;
  while (recv_reply(fd, 1000)) ++replies;
  EXPECT_LT(replies, sent);  // the rest was never answered
  close(fd);
}

TEST_F(ServerTest, PastTheCapTheHelloReplySaysTooManyConnections) {
  server_->limits = {.max_clients = 2, .reserved = 0, .per_uid = 16};
  start();
  int a = connect_(), b = connect_();
  send_req(a, hello(1));
  send_req(b, hello(1));
  ASSERT_TRUE(recv_reply(a));
  ASSERT_TRUE(recv_reply(b));
  int c = connect_();
  send_req(c, hello(7));
  auto r = recv_reply(c);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id(), 7u);
  EXPECT_EQ(r->status(), static_cast<uint32_t>(Errc::IpcError));
  EXPECT_EQ(r->detail(), "Too many connections (2), try again later");
  EXPECT_FALSE(recv_reply(c));
  close(c);
  // a slot freed is a slot available again
  close(a);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  int d = connect_();
  send_req(d, hello(9));
  r = recv_reply(d);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status(), 0u) << r->detail();
  close(b);
  close(d);
}

TEST_F(ServerTest, LibipadmReconnectsAfterTheIdleTimeout) {
  Paths paths = Paths::for_root(dir_.path());
  std::filesystem::create_directories(paths.volatile_dir());
  path_ = paths.socket();
  start();
  client::Client c(paths);
  auto r = c.show_if("");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  std::this_thread::sleep_for(std::chrono::milliseconds(700));  // idle timeout 400 ms
  r = c.show_if("");
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
}

}  // namespace
}  // namespace ipadm::daemon
