#include "common/status.h"

#include <cerrno>

#include <gtest/gtest.h>

namespace ipadm {

TEST(Status, IllumosMessagesAndNumbers) {
  EXPECT_EQ(static_cast<int>(Errc::EAuth), 2);
  EXPECT_EQ(static_cast<int>(Errc::AddrObjExists), 11);
  EXPECT_EQ(static_cast<int>(Errc::Enxio), 13);
  EXPECT_EQ(static_cast<int>(Errc::NotFound), 23);
  EXPECT_EQ(static_cast<int>(Errc::GzPerm), 38);
  EXPECT_EQ(errc_message(Errc::EAuth), "Insufficient user authorizations");
  EXPECT_EQ(errc_message(Errc::AddrObjExists), "Address object already exists");
  EXPECT_EQ(errc_message(static_cast<Errc>(99)), "<unknown error>");
  EXPECT_EQ(errc_name(Errc::Enxio), "IPADM_ENXIO");
}

TEST(Status, ErrnoMapping) {
  EXPECT_EQ(errc_from_errno(ENXIO), Errc::Enxio);
  EXPECT_EQ(errc_from_errno(EEXIST), Errc::Exists);
  EXPECT_EQ(errc_from_errno(EADDRNOTAVAIL), Errc::AddrNotAvail);
  EXPECT_EQ(errc_from_errno(EOPNOTSUPP), Errc::NotSup);
  EXPECT_EQ(errc_from_errno(E2BIG), Errc::Failure);
}

TEST(Status, ToStringAndResult) {
  Status s(Errc::NotFound, "net0/v4");
  EXPECT_EQ(s.to_string(), "Object not found: net0/v4");
  Result<int> r(Errc::BadAddr);
  EXPECT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Errc::BadAddr);
  Result<int> ok(5);
  EXPECT_EQ(*ok, 5);
}

}  // namespace ipadm
