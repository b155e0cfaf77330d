// ReplyChunker (datagram cutting), listings sent as built, and the request
// field size limits.
#include "daemon/dispatch.h"

#include <gtest/gtest.h>

#include <net/if.h>

#include "common/protocol.h"
#include "daemon/request_limits.h"
#include "netlink/fake_kernel.h"
#include "store/sqlite_store.h"

namespace ipadm::daemon {
namespace {

std::vector<rpc::Reply> drain(rpc::Reply r) {
  ReplyChunker c(std::move(r));
  std::vector<rpc::Reply> out;
  while (auto p = c.next()) out.push_back(std::move(*p));
  return out;
}

// show-addr's datagrams are built as they are sent (AddrListingReply): each
// fits, all but the last say more, and together they are the whole reply.
TEST(ListingReplyTest, ShowAddrIsSentInDatagramsThatMakeTheWholeReply) {
  netlink::FakeKernel kernel;
  kernel.add_link("veth0", IFF_BROADCAST | IFF_MULTICAST);
  auto st = store::SqliteStore::open(":memory:", store::OpenMode::ReadWrite);
  ASSERT_TRUE(st.is_ok());
  core::AddrObjMap map(nullptr);
  core::Service svc(kernel, **st, map);
  rpc::Request req;
  req.mutable_create_if()->set_ifname("veth0");
  ASSERT_EQ(dispatch(svc, req).status(), 0u);
  for (int i = 0; i < 2000; i++) {
    auto* c = req.mutable_create_addr();
    c->set_aobjname("veth0/a" + std::to_string(i));
    c->set_type("static");
    c->set_local("10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1) + "/32");
    c->set_temporary(i % 2 == 0);
    ASSERT_EQ(dispatch(svc, req).status(), 0u) << i;
  }
  req.set_id(42);
  req.mutable_show_addr();
  auto src = answer(svc, req);
  std::vector<rpc::Reply> parts;
  while (const rpc::Reply* p = src->next()) parts.push_back(*p);
  ASSERT_GT(parts.size(), 2u);
  std::vector<std::string> rows;
  for (size_t i = 0; i < parts.size(); i++) {
    EXPECT_EQ(parts[i].id(), 42u);
    EXPECT_EQ(parts[i].status(), 0u);
    EXPECT_EQ(parts[i].more(), i + 1 < parts.size());
    EXPECT_LE(parts[i].ByteSizeLong(), kMaxMessage);
    EXPECT_GT(parts[i].ByteSizeLong(), i + 1 < parts.size() ? kReplyChunk / 2 : 0);
    for (const auto& a : parts[i].show_addr().addrs()) rows.push_back(a.SerializeAsString());
  }
  auto whole = svc.show_addr(rpc::ShowAddrReq());
  ASSERT_TRUE(whole.is_ok());
  ASSERT_EQ(rows.size(), 2000u);
  for (int i = 0; i < 2000; i++)
    EXPECT_EQ(rows[static_cast<size_t>(i)], whole->addrs(i).SerializeAsString()) << i;
  // dispatch() joins them.
  EXPECT_EQ(dispatch(svc, req).show_addr().SerializeAsString(), whole->SerializeAsString());
  // An error is one datagram.
  req.mutable_show_addr()->set_aobjname("veth0/none");
  src = answer(svc, req);
  const rpc::Reply* e = src->next();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->status(), static_cast<uint32_t>(Errc::NotFound));
  EXPECT_FALSE(e->more());
  EXPECT_EQ(src->next(), nullptr);
}

TEST(ReplyChunkerTest, SmallReplyIsOneDatagram) {
  rpc::Reply r;
  r.set_id(7);
  r.mutable_show_addr()->add_addrs()->set_aobjname("net0/v4");
  auto out = drain(r);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].more());
  EXPECT_EQ(out[0].show_addr().addrs(0).aobjname(), "net0/v4");
}

TEST(ReplyChunkerTest, LargeListIsCutInOrderEveryChunkFits) {
  rpc::Reply r;
  r.set_id(9);
  for (int i = 0; i < 20000; ++i) {
    auto* a = r.mutable_show_addr()->add_addrs();
    a->set_aobjname("veth0/a" + std::to_string(i));
    a->set_addr("10.0.0.1/8");
  }
  auto out = drain(r);
  ASSERT_GT(out.size(), 5u);
  int next = 0;
  for (size_t k = 0; k < out.size(); ++k) {
    EXPECT_EQ(out[k].id(), 9u);
    EXPECT_EQ(out[k].more(), k + 1 < out.size());
    EXPECT_LE(out[k].ByteSizeLong(), kMaxMessage);
    for (const auto& a : out[k].show_addr().addrs())
      EXPECT_EQ(a.aobjname(), "veth0/a" + std::to_string(next++));
  }
  EXPECT_EQ(next, 20000);
}

TEST(ReplyChunkerTest, ExportChunksKeepTheText) {
  rpc::Reply r;
  std::string text;
  for (int i = 0; i < 10; ++i) {
    std::string part(kReplyChunk / 2, static_cast<char>('a' + i));
    text += part;
    r.mutable_export_conf()->add_chunk(part);
  }
  std::string got;
  for (const auto& p : drain(r)) {
    EXPECT_LE(p.ByteSizeLong(), kMaxMessage);
    for (const auto& c : p.export_conf().chunk()) got += c;
  }
  EXPECT_EQ(got, text);
}

TEST(ReplyChunkerTest, OversizeReplyOfAnotherKindIsNoBufs) {
  rpc::Reply r;
  r.set_id(3);
  r.set_detail(std::string(kMaxMessage, 'x'));
  auto out = drain(r);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id(), 3u);
  EXPECT_EQ(out[0].status(), static_cast<uint32_t>(Errc::NoBufs));
}

TEST(RequestLimitsTest, LongInterfaceNameIsInvalidArgument) {
  rpc::Request q;
  q.mutable_create_if()->set_ifname(std::string(65000, 'x'));
  Status s = check_request_sizes(q);
  EXPECT_EQ(s.code(), Errc::InvalidArg);
  EXPECT_EQ(s.detail(), "invalid interface name");
  q.mutable_show_addr()->set_ifname(std::string(16, 'x'));
  EXPECT_EQ(check_request_sizes(q).code(), Errc::InvalidArg);
  q.mutable_show_addr()->set_ifname(std::string(15, 'x'));
  EXPECT_TRUE(check_request_sizes(q).is_ok());
}

TEST(RequestLimitsTest, LongAddressObjectNames) {
  rpc::Request q;
  q.mutable_delete_addr()->set_aobjname(std::string(40000, 'x') + "/v4");
  EXPECT_EQ(check_request_sizes(q).code(), Errc::InvalidName);
  q.mutable_delete_addr()->set_aobjname("net0/" + std::string(40000, 'v'));
  EXPECT_EQ(check_request_sizes(q).code(), Errc::InvalidArg);
  q.mutable_delete_addr()->set_aobjname(std::string(15, 'n') + "/" + std::string(31, 'v'));
  EXPECT_TRUE(check_request_sizes(q).is_ok());
}

TEST(RequestLimitsTest, LongValuesAndAddresses) {
  rpc::Request q;
  auto* c = q.mutable_create_addr();
  c->set_aobjname("net0/v4");
  c->set_local(std::string(300, '1'));
  EXPECT_EQ(check_request_sizes(q).code(), Errc::BadAddr);
  c->set_local("192.0.2.1/24");
  EXPECT_TRUE(check_request_sizes(q).is_ok());
  auto* p = q.mutable_set_prop();
  p->set_object_kind("if");
  p->set_object("net0");
  p->set_name(std::string(64, 'n'));
  EXPECT_EQ(check_request_sizes(q).code(), Errc::PropUnknown);
  p->set_name("mtu");
  p->set_value(std::string(5000, '1'));
  EXPECT_EQ(check_request_sizes(q).code(), Errc::InvalidArg);
  p->set_value("1500");
  EXPECT_TRUE(check_request_sizes(q).is_ok());
}

}  // namespace
}  // namespace ipadm::daemon
