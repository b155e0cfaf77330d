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

TEST(BatchFeeder, SendsEveryChunkInOrder) {
  netlink::FakeKernel k;
  int idx = k.add_link("veth0");
  BatchFeeder f(k, 256);
  for (uint32_t i = 0; i < 1000; ++i) f.add(v4(idx, i));
  std::vector<Status> results;
  ASSERT_TRUE(f.finish(&results).is_ok());
  ASSERT_EQ(results.size(), 1000u);
  for (auto& s : results) EXPECT_TRUE(s.is_ok());
  auto on = k.addrs_on(idx);
  ASSERT_EQ(on.size(), 1000u);
  // Chunks of 256, 256, 256 and the 232 left.
  EXPECT_EQ(k.calls(netlink::FakeOp::kAddrAddBatch), 4);
}

TEST(BatchFeeder, ResultsFollowAddOrderWithFailures) {
  netlink::FakeKernel k;
  int idx = k.add_link("veth0");
  BatchFeeder f(k, 16);
  for (uint32_t i = 0; i < 100; ++i) f.add(v4(i == 37 ? 9999 : idx, i % 90));  // 90..99 repeat 0..9
  std::vector<Status> results;
  ASSERT_TRUE(f.finish(&results).is_ok());
  ASSERT_EQ(results.size(), 100u);
  for (uint32_t i = 0; i < 100; ++i) {
    if (i == 37) EXPECT_EQ(results[i].code(), Errc::Enxio) << i;
    else if (i >= 90) EXPECT_EQ(results[i].code(), Errc::Exists) << i;
    else EXPECT_TRUE(results[i].is_ok()) << i << " " << results[i].to_string();
  }
}

TEST(BatchFeeder, DrainLeavesTheKernelToTheCaller) {
  netlink::FakeKernel k;
  int idx = k.add_link("veth0");
  BatchFeeder f(k, 256);
  for (uint32_t i = 0; i < 10; ++i) f.add(v4(idx, i));  // a partial chunk
  f.drain();
  // Everything added so far is in the kernel, and the worker is idle.
  EXPECT_EQ(k.addrs_on(idx).size(), 10u);
  ASSERT_TRUE(k.addr_add(v4(idx, 500)).is_ok());  // the caller's own use
  for (uint32_t i = 10; i < 20; ++i) f.add(v4(idx, i));
  std::vector<Status> results;
  ASSERT_TRUE(f.finish(&results).is_ok());
  EXPECT_EQ(results.size(), 20u);
  EXPECT_EQ(k.addrs_on(idx).size(), 21u);
  EXPECT_EQ(k.calls(netlink::FakeOp::kAddrAddBatch), 2);
}

TEST(BatchFeeder, StopsSendingAfterASocketError) {
  netlink::FakeKernel k;
  int idx = k.add_link("veth0");
  k.fail_next(netlink::FakeOp::kAddrAddBatch, Status(Errc::NoBufs, "injected"));
  BatchFeeder f(k, 256);
  for (uint32_t i = 0; i < 600; ++i) f.add(v4(idx, i));
  std::vector<Status> results;
  EXPECT_EQ(f.finish(&results).code(), Errc::NoBufs);
  ASSERT_EQ(results.size(), 600u);
  for (auto& s : results) EXPECT_EQ(s.code(), Errc::NoBufs);
  EXPECT_EQ(k.addrs_on(idx).size(), 0u);
  EXPECT_EQ(k.calls(netlink::FakeOp::kAddrAddBatch), 1);  // nothing after the error
}

TEST(BatchFeeder, NothingAddedNothingSent) {
  netlink::FakeKernel k;
  BatchFeeder f(k, 256);
  f.drain();
  std::vector<Status> results{Status(Errc::Failure)};
  EXPECT_TRUE(f.finish(&results).is_ok());
  EXPECT_TRUE(results.empty());
  EXPECT_EQ(k.calls(netlink::FakeOp::kAddrAddBatch), 0);
}

}  // namespace
}  // namespace ipadm::core
