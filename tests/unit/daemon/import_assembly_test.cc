// ImportAssembly: one import, whole, per connection (issue 11 item 3).
#include "daemon/import_assembly.h"

#include <gtest/gtest.h>

namespace ipadm::daemon {
namespace {

rpc::ImportReq chunk(const std::string& text, uint64_t offset, uint64_t total, bool more) {
  rpc::ImportReq c;
  c.set_text(text);
  c.set_offset(offset);
  c.set_total(total);
  c.set_more(more);
  return c;
}

TEST(ImportAssembly, WholeTextInChunks) {
  ImportAssembly a;
  auto s = a.add(chunk("abc", 0, 7, true));
  ASSERT_TRUE(s.is_ok());
  EXPECT_EQ(*s, ImportAssembly::Step::kMore);
  s = a.add(chunk("defg", 3, 7, false));
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  EXPECT_EQ(*s, ImportAssembly::Step::kDone);
  EXPECT_EQ(a.take(), "abcdefg");
  // one chunk, and an empty text
  ASSERT_EQ(*a.add(chunk("xy", 0, 2, false)), ImportAssembly::Step::kDone);
  EXPECT_EQ(a.take(), "xy");
  ASSERT_EQ(*a.add(chunk("", 0, 0, false)), ImportAssembly::Step::kDone);
  EXPECT_EQ(a.take(), "");
}

TEST(ImportAssembly, FragmentThatDoesNotStartAnImportIsRefused) {
  ImportAssembly a;  // a fresh connection: the daemon restarted
  auto s = a.add(chunk("defg", 3, 7, false));
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), Errc::EBade);
  EXPECT_NE(s.status().detail().find("does not start an import"), std::string::npos);
  EXPECT_NE(s.status().detail().find("nothing was imported"), std::string::npos);
  ASSERT_EQ(*a.add(chunk("abcdefg", 0, 7, false)), ImportAssembly::Step::kDone);
  EXPECT_EQ(a.take(), "abcdefg");
}

TEST(ImportAssembly, GapsOverlapsAndShortEndsAreRefused) {
  const rpc::ImportReq seconds[] = {
      chunk("defg", 4, 7, false),   // a gap
      chunk("cdefg", 2, 7, false),  // an overlap
      chunk("def", 3, 8, false),    // another total
      chunk("defgh", 3, 7, false),  // past the total
      chunk("de", 3, 7, false),     // ends short
  };
  for (const auto& c : seconds) {
    ImportAssembly a;
    ASSERT_EQ(*a.add(chunk("abc", 0, 7, true)), ImportAssembly::Step::kMore);
    auto s = a.add(c);
    ASSERT_FALSE(s.is_ok()) << c.offset() << " " << c.text();
    EXPECT_EQ(s.status().code(), Errc::EBade);
    // dropped: the next import starts afresh
    ASSERT_EQ(*a.add(chunk("z", 0, 1, false)), ImportAssembly::Step::kDone);
    EXPECT_EQ(a.take(), "z");
  }
}

TEST(ImportAssembly, LargerThanTheCapIsRefused) {
  ImportAssembly a;
  auto s = a.add(chunk("x", 0, ImportAssembly::kMaxText + 1, true));
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), Errc::NoBufs);
}

}  // namespace
}  // namespace ipadm::daemon
