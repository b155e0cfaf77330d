#include "core/batch_feeder.h"

#include <net/if.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include "netlink/fake_kernel.h"

namespace ipadm::core {
namespace {

netlink::AddrRequest v4(int ifindex, uint32_t i) {
  netlink::AddrRequest r;
  r.ifindex = ifindex;
  r.local.family = AF_INET;
  r.local.bytes = {10, 100, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i & 0xff)};
  r.prefixlen = 32;
  return r;
}

TEST(BatchFeeder, SendsEveryPublishedChunkInOrder) {
  netlink::FakeKernel k;
  int idx = k.add_link("veth0");
  std::vector<netlink::AddrRequest> reqs;
  reqs.reserve(1000);
  BatchFeeder f(k, reqs);
  for (uint32_t i = 0; i < 1000; ++i) {
    reqs.push_back(v4(idx, i));
    if (reqs.size() % 256 == 0) f.publish();
  }
  std::vector<Status> results;
  ASSERT_TRUE(f.finish(&results).is_ok());
  ASSERT_EQ(results.size(), 1000u);
  for (auto& s : results) EXPECT_TRUE(s.is_ok());
  EXPECT_EQ(k.addrs_on(idx).size(), 1000u);
  // One call per wake-up of the worker: 1 (it was slower than the builder)
  // to 4 (256, 256, 256, 232).
  EXPECT_GE(k.calls(netlink::FakeOp::kAddrAddBatch), 1);
  EXPECT_LE(k.calls(netlink::FakeOp::kAddrAddBatch), 4);
}

TEST(BatchFeeder, StopsSendingAfterASocketError) {
  netlink::FakeKernel k;
  int idx = k.add_link("veth0");
  std::vector<netlink::AddrRequest> reqs;
  reqs.reserve(600);
  k.fail_next(netlink::FakeOp::kAddrAddBatch, Status(Errc::NoBufs, "injected"));
  BatchFeeder f(k, reqs);
  for (uint32_t i = 0; i < 600; ++i) {
    reqs.push_back(v4(idx, i));
    if (reqs.size() % 256 == 0) f.publish();
  }
  std::vector<Status> results;
  EXPECT_EQ(f.finish(&results).code(), Errc::NoBufs);
  EXPECT_EQ(k.addrs_on(idx).size(), 0u);
  EXPECT_EQ(k.calls(netlink::FakeOp::kAddrAddBatch), 1);  // nothing after the error
}

TEST(BatchFeeder, NothingPublishedNothingSent) {
  netlink::FakeKernel k;
  std::vector<netlink::AddrRequest> reqs;
  BatchFeeder f(k, reqs);
  std::vector<Status> results{Status(Errc::Failure)};
  EXPECT_TRUE(f.finish(&results).is_ok());
  EXPECT_TRUE(results.empty());
  EXPECT_EQ(k.calls(netlink::FakeOp::kAddrAddBatch), 0);
}

}  // namespace
}  // namespace ipadm::core
