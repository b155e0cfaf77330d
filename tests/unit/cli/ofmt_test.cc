#include "cli/ofmt.h"

#include <gtest/gtest.h>

#include <sstream>

namespace ipadm::cli {
namespace {

constexpr FieldDef kFields[] = {{"name", 8}, {"state", 6}, {"addr", 10}};

std::vector<Row> rows() {
  Row a;
  a["name"] = "net0/v4";
  a["state"] = "ok";
  a["addr"] = "10.0.0.1/24";
  a["family"] = 4;
  Row b;
  b["name"] = "net0/a:b";
  b["state"] = "";
  b["addr"] = "fe80::1/10";
  b["family"] = 6;
  return {a, b};
}

std::string render(OutMode mode, const std::string* o, std::string_view defaults = "all") {
  auto spec = make_output_spec(kFields, o, defaults, mode);
  EXPECT_TRUE(spec) << spec.error;
  std::ostringstream ss;
  spec->print(ss, rows());
  return ss.str();
}

// A Table prints what the same rows as JSON objects print, in every mode.
std::string render_table(OutMode mode, const std::string* o) {
  auto spec = make_output_spec(kFields, o, "all", mode);
  EXPECT_TRUE(spec) << spec.error;
  const std::vector<Row> rs = rows();
  std::vector<std::string> texts;
  for (const Row& r : rs)
    for (const FieldDef& f : kFields) texts.push_back(row_text(r, f.name));
  Table t;
  t.width = std::size(kFields);
  for (const std::string& s : texts) t.cells.push_back(s);
  t.json_row = [&rs](size_t i) { return rs[i]; };
  std::ostringstream ss;
  spec->print_table(ss, t);
  return ss.str();
}

TEST(Ofmt, TablePrintsAsRows) {
  std::string two = "addr,name", one = "name";
  for (OutMode m : {OutMode::Human, OutMode::Parsable, OutMode::Json}) {
    EXPECT_EQ(render_table(m, nullptr), render(m, nullptr));
    EXPECT_EQ(render_table(m, &two), render(m, &two));
    EXPECT_EQ(render_table(m, &one), render(m, &one));
  }
  EXPECT_EQ(render_table(OutMode::Parsable, &two), "10.0.0.1/24:net0/v4\nfe80\\:\\:1/10:net0/a\\:b\n");
}

TEST(Ofmt, TableLongListingInPieces) {
  // More than one 64 KiB piece: every row once, in order.
  auto spec = make_output_spec(kFields, nullptr, "all", OutMode::Parsable);
  ASSERT_TRUE(spec);
  std::vector<std::string> names;
  for (int i = 0; i < 20000; i++) names.push_back("net0/a" + std::to_string(i));
  Table t;
  t.width = std::size(kFields);
  for (const std::string& n : names) t.cells.insert(t.cells.end(), {n, "ok", "10.0.0.1/32"});
  std::ostringstream ss;
  spec->print_table(ss, t);
  std::istringstream in(ss.str());
  std::string line;
  int i = 0;
  while (std::getline(in, line)) ASSERT_EQ(line, names[static_cast<size_t>(i++)] + ":ok:10.0.0.1/32");
  EXPECT_EQ(i, 20000);
}

TEST(Ofmt, HumanDefault) {
  // Widths include the separator; "--" for empty; last column unpadded.
  EXPECT_EQ(render(OutMode::Human, nullptr),
            "NAME    STATE ADDR\n"
            "net0/v4 ok    10.0.0.1/24\n"
            "net0/a:b --   fe80::1/10\n");
}

TEST(Ofmt, HumanOverflowIsAbsorbed) {
  constexpr FieldDef f[] = {{"a", 4}, {"b", 6}, {"c", 3}};
  auto spec = make_output_spec(f, nullptr, "all", OutMode::Human);
  ASSERT_TRUE(spec);
  // "toolong" overflows column a by 4 (7 chars + 1 space vs 4); column b has
  // room for 6-1=5 of them... it absorbs 4, so c starts where it would have.
  EXPECT_EQ(spec->format_line({"toolong", "x", "z"}), "toolong x z");
  EXPECT_EQ(spec->format_line({"ab", "x", "z"}), "ab  x     z");
  EXPECT_EQ(spec->format_line({"toolong", "x", "z"}).find('z'),
            spec->format_line({"ab", "x", "z"}).find('z'));
}

TEST(Ofmt, SelectFieldsCaseInsensitive) {
  std::string o = "ADDR,Name";
  EXPECT_EQ(render(OutMode::Human, &o),
            "ADDR      NAME\n"
            "10.0.0.1/24 net0/v4\n"
            "fe80::1/10 net0/a:b\n");
}

TEST(Ofmt, DefaultsAndAll) {
  EXPECT_EQ(render(OutMode::Human, nullptr, "name"), "NAME\nnet0/v4\nnet0/a:b\n");
  std::string all = "ALL";
  EXPECT_EQ(render(OutMode::Human, &all, "name"), render(OutMode::Human, nullptr, "all"));
}

TEST(Ofmt, ParsableEscapes) {
  std::string o = "name,state,addr";
  EXPECT_EQ(render(OutMode::Parsable, &o),
            "net0/v4:ok:10.0.0.1/24\n"
            "net0/a\\:b::fe80\\:\\:1/10\n");
}

TEST(Ofmt, ParsableSingleFieldUnescaped) {
  std::string o = "addr";
  EXPECT_EQ(render(OutMode::Parsable, &o), "10.0.0.1/24\nfe80::1/10\n");
}

TEST(Ofmt, ParsableBackslash) {
  constexpr FieldDef f[] = {{"a", 4}, {"b", 4}};
  auto spec = make_output_spec(f, nullptr, "all", OutMode::Parsable);
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->format_line({"x\\y", "z"}), "x\\\\y:z");
}

TEST(Ofmt, UnknownField) {
  std::string bad = "name,bogus";
  EXPECT_EQ(make_output_spec(kFields, &bad, "all", OutMode::Parsable).error,
            "invalid field(s) specified: bogus");
  EXPECT_FALSE(make_output_spec(kFields, &bad, "all", OutMode::Json));
  std::string only_bad = "bogus";
  EXPECT_FALSE(make_output_spec(kFields, &only_bad, "all", OutMode::Human));
  // Human mode keeps the valid fields and warns.
  auto spec = make_output_spec(kFields, &bad, "all", OutMode::Human);
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->warning, "invalid field(s) specified: bogus");
  EXPECT_EQ(spec->selected.size(), 1u);
}

TEST(Ofmt, JsonAllKeys) {
  auto doc = nlohmann::json::parse(render(OutMode::Json, nullptr));
  ASSERT_TRUE(doc.is_array());
  ASSERT_EQ(doc.size(), 2u);
  EXPECT_EQ(doc[0]["name"], "net0/v4");
  EXPECT_EQ(doc[0]["family"], 4);
  EXPECT_EQ(doc[1]["state"], "");
}

TEST(Ofmt, JsonRestrictedByO) {
  std::string o = "STATE,name";
  auto doc = nlohmann::ordered_json::parse(render(OutMode::Json, &o));
  ASSERT_EQ(doc.size(), 2u);
  EXPECT_EQ(doc[0].size(), 2u);
  EXPECT_EQ(doc[0].begin().key(), "state");
  EXPECT_FALSE(doc[0].contains("family"));
}

TEST(Ofmt, JsonEmpty) {
  auto spec = make_output_spec(kFields, nullptr, "all", OutMode::Json);
  ASSERT_TRUE(spec);
  std::ostringstream ss;
  spec->print(ss, {});
  EXPECT_EQ(ss.str(), "[]\n");
}

TEST(Ofmt, RowText) {
  Row r;
  r["s"] = "x";
  r["n"] = 42;
  EXPECT_EQ(row_text(r, "s"), "x");
  EXPECT_EQ(row_text(r, "n"), "42");
  EXPECT_EQ(row_text(r, "missing"), "");
}

}  // namespace
}  // namespace ipadm::cli
