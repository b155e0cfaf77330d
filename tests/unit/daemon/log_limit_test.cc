// TokenBucket: burst, refill, suppressed count.
#include "daemon/log_limit.h"

#include <gtest/gtest.h>

namespace ipadm::daemon {
namespace {

TEST(TokenBucketTest, BurstThenOnePerInterval) {
  TokenBucket b(3, 1000);
  EXPECT_TRUE(b.take(0));
  EXPECT_TRUE(b.take(1));
  EXPECT_TRUE(b.take(2));
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(b.take(3 + i));
  EXPECT_FALSE(b.take(999));
  EXPECT_TRUE(b.take(1000));
  EXPECT_EQ(b.suppressed(), 101u);
  EXPECT_EQ(b.suppressed(), 0u);  // reading resets
  EXPECT_FALSE(b.take(1500));
  EXPECT_TRUE(b.take(2000));
  EXPECT_EQ(b.suppressed(), 1u);
}

TEST(TokenBucketTest, RefillsToTheBurstOnly) {
  TokenBucket b(2, 100);
  EXPECT_TRUE(b.take(0));
  EXPECT_TRUE(b.take(0));
  EXPECT_FALSE(b.take(50));
  // a long quiet time gives back the burst, not more
  EXPECT_TRUE(b.take(100000));
  EXPECT_TRUE(b.take(100000));
  EXPECT_FALSE(b.take(100001));
}

TEST(TokenBucketTest, FloodOfAMillionLogsAboutBurstPlusRate) {
  TokenBucket b(kPeerLogBurst, kPeerLogIntervalMs);
  int passed = 0;
  for (uint64_t t = 0; t <= 60000; t += 1)  // one message per ms for 60 s
    passed += b.take(t);
  EXPECT_EQ(passed, static_cast<int>(kPeerLogBurst + 60000 / kPeerLogIntervalMs));
}

TEST(TokenBucketTest, FlushReportsTheSuppressedOnceATokenIsFree) {
  TokenBucket b(1, 1000);
  EXPECT_EQ(b.flush(0), 0u);  // nothing suppressed
  EXPECT_TRUE(b.take(0));
  EXPECT_FALSE(b.take(10));
  EXPECT_FALSE(b.take(20));
  EXPECT_EQ(b.flush(500), 0u);  // no token yet
  EXPECT_EQ(b.flush(1000), 2u);
  EXPECT_EQ(b.flush(3000), 0u);  // reported once
  EXPECT_TRUE(b.take(3000));
}

}  // namespace
}  // namespace ipadm::daemon
