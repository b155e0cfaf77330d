// The method table against the schema: every Request body field of
// proto/ipmgmt.proto has exactly one row, and every chunkable reply kind
// belongs to one row.
#include "daemon/methods.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace ipadm::daemon {
namespace {

// Field numbers of `oneof body` in `message <name>` of the schema text.
std::set<int> body_fields(const std::string& proto, const std::string& name) {
  size_t at = proto.find("message " + name + " {");
  EXPECT_NE(at, std::string::npos) << name;
  size_t oneof = proto.find("oneof body {", at);
  size_t end = proto.find('}', oneof);
  std::string body = proto.substr(oneof, end - oneof);
  std::set<int> out;
  static const std::regex field(R"((\w+)\s+\w+\s*=\s*(\d+);)");
  for (std::sregex_iterator it(body.begin(), body.end(), field), e; it != e; ++it)
    out.insert(std::stoi((*it)[2]));
  return out;
}

std::string schema() {
  std::ifstream in(IPADM_SOURCE_DIR "/proto/ipmgmt.proto");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(MethodTableTest, EveryRequestOfTheSchemaHasOneRow) {
  std::set<int> fields = body_fields(schema(), "Request");
  ASSERT_GT(fields.size(), 10u);
  std::set<int> rows;
  for (const Method& m : methods()) {
    EXPECT_TRUE(rows.insert(m.request).second) << "two rows for request " << m.request;
    EXPECT_TRUE(fields.count(m.request)) << "row " << m.request << " is not in the schema";
  }
  for (int f : fields) {
    const Method* m = method_of(static_cast<rpc::Request::BodyCase>(f));
    ASSERT_NE(m, nullptr) << "request field " << f << " has no row in methods.cc";
    // Exactly one handler, run or open; none for Hello (the server's own).
    int handlers = (m->run != nullptr) + (m->open != nullptr);
    EXPECT_EQ(handlers, f == rpc::Request::kHello ? 0 : 1) << "request " << f;
  }
}

TEST(MethodTableTest, ListFieldsAreReplyKindsOfOneRow) {
  std::set<int> replies = body_fields(schema(), "Reply");
  std::set<int> seen;
  for (const Method& m : methods()) {
    if (m.list.reply == rpc::Reply::BODY_NOT_SET) continue;
    EXPECT_TRUE(replies.count(m.list.reply)) << m.list.reply;
    EXPECT_TRUE(seen.insert(m.list.reply).second) << "reply kind in two rows: " << m.list.reply;
    EXPECT_EQ(list_of(m.list.reply), &m.list);
    ASSERT_TRUE(m.list.count && m.list.swap && m.list.take);
  }
  EXPECT_EQ(list_of(rpc::Reply::kHello), nullptr);
  EXPECT_EQ(list_of(rpc::Reply::BODY_NOT_SET), nullptr);
}

TEST(MethodTableTest, ShowRequestsAreReadsAndChangesAreWrites) {
  using R = rpc::Request;
  for (auto r : {R::kHello, R::kShowIf, R::kShowAddr, R::kShowProp, R::kExportConf})
    EXPECT_EQ(method_of(r)->access, Access::Read) << r;
  for (auto r : {R::kCreateIf, R::kDeleteAddr, R::kSetProp, R::kRestore, R::kImportConf,
                 R::kRefreshAddr})
    EXPECT_EQ(method_of(r)->access, Access::Write) << r;
  EXPECT_EQ(method_of(R::BODY_NOT_SET), nullptr);
}

}  // namespace
}  // namespace ipadm::daemon
