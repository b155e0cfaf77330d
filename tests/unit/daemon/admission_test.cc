// Admission: per-user cap, the reserve for authorized peers, the total cap.
#include "daemon/admission.h"

#include <gtest/gtest.h>

namespace ipadm::daemon {
namespace {

using V = Admission::Verdict;

TEST(AdmissionTest, PerUidCapForUnauthorizedPeers) {
  Admission a({.max_clients = 256, .reserved = 32, .per_uid = 16});
  for (int i = 0; i < 16; ++i) ASSERT_EQ(a.enter(1000, false), V::Admit);
  EXPECT_EQ(a.enter(1000, false), V::UidFull);
  EXPECT_EQ(a.enter(1001, false), V::Admit);  // another user is not affected
  a.leave(1000, false);
  EXPECT_EQ(a.enter(1000, false), V::Admit);
  EXPECT_EQ(a.total(), 17u);
}

TEST(AdmissionTest, UnauthorizedPeersNeverTakeTheReserve) {
  Admission a({.max_clients = 64, .reserved = 8, .per_uid = 16});
  for (uid_t u = 1000; u < 1004; ++u)
    for (int i = 0; i < 14; ++i) ASSERT_EQ(a.enter(u, false), V::Admit);
  EXPECT_EQ(a.total(), 56u);
  EXPECT_EQ(a.enter(2000, false), V::UnauthorizedFull);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(a.enter(0, true), V::Admit) << i;
  EXPECT_EQ(a.enter(0, true), V::Full);
  a.leave(0, true);
  EXPECT_EQ(a.enter(2000, false), V::UnauthorizedFull);  // the freed slot is reserved
  EXPECT_EQ(a.enter(0, true), V::Admit);
}

TEST(AdmissionTest, AuthorizedPeersHaveNoPerUidCap) {
  Admission a({.max_clients = 40, .reserved = 8, .per_uid = 4});
  for (int i = 0; i < 40; ++i) ASSERT_EQ(a.enter(0, true), V::Admit) << i;
  EXPECT_EQ(a.enter(0, true), V::Full);
  EXPECT_EQ(a.enter(1000, false), V::Full);
}

TEST(AdmissionTest, RefusalsSayTooManyConnections) {
  Admission a({});
  EXPECT_EQ(a.refusal(V::UidFull), "Too many connections from this user (16), try again later");
  EXPECT_EQ(a.refusal(V::UnauthorizedFull),
            "Too many connections from unauthorized users (256), try again later");
  EXPECT_EQ(a.refusal(V::Full), "Too many connections (512), try again later");
}

}  // namespace
}  // namespace ipadm::daemon
