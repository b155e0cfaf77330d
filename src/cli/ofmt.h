// Output of the show-* subcommands: libofmt-style tables and --json.
//
// A show command describes its columns once as FieldDefs (lower-case name,
// column width including the one-space separator, as in illumos' ofmt
// templates) and hands over its rows as JSON objects that hold every column
// as a string plus JSON-only extras. OutputSpec then prints them:
//   human:    upper-case header; each value left-aligned in its column; an
//             empty value prints as "--"; a value wider than its column pushes
//             the rest of the line right and later columns absorb the excess
//             where they have room (libofmt overflow rule); the last column
//             is not padded.
//   wrap:     (human mode, show-prop: ofmt's OFMT_WRAP) a comma list wider
//             than its column is split at commas over several lines, each
//             taking the items that fit (a trailing ',' when more follow);
//             the other columns of a continuation line print blank.
//   parsable: no header; values joined by ':' with ':' and '\' escaped by a
//             backslash when more than one field is printed; empty stays empty.
//   json:     one array of objects; with -o only the selected fields,
//             otherwise every key of the row (columns and extras).
// Pure formatting: writes only to the stream it is given.
//
// --json keys, per subcommand (stable: scripts rely on them; also in
// ipadm(8)). Columns first, then the JSON-only extras after '|'. Values are
// strings ("" when unset) except those marked (num).
//   show-if        ifname class state current persistent over | ifindex(num) mtu(num)
//   show-addr      addrobj type state current persistent addr
//                  | ifname family(num: 4|6) prefixlen(num) local remote
//   show-prop      proto property perm current persistent default possible
//   show-ifprop    ifname property proto perm current persistent default possible
//   show-addrprop  addrobj property perm current persistent default possible
// With -o, only the selected columns appear.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/options.h"

namespace ipadm::cli {

struct FieldDef {
  std::string_view name;  // lower-case; also the JSON key
  size_t width;           // includes the separating space
};

using Row = nlohmann::ordered_json;

// The rows of a listing as column texts, without a JSON object per row (the
// human and parsable forms of a long listing: show-addr of 100,000 objects).
// cells holds rows() * width values, row-major, one per FieldDef of the
// spec in FieldDef order (all of them, not only the selected ones); the
// views point into storage the caller keeps alive while printing. json_row
// builds row r's JSON object (columns and extras) and is called only in
// JSON mode.
struct Table {
  size_t width = 0;
  std::vector<std::string_view> cells;
  std::function<Row(size_t)> json_row;
  size_t rows() const { return width ? cells.size() / width : 0; }
};

enum class OutMode { Human, Parsable, Json };

struct OutputSpec {
  std::span<const FieldDef> fields;
  std::vector<size_t> selected;  // indexes into fields, in print order
  OutMode mode = OutMode::Human;
  bool explicit_fields = false;  // -o was given
  bool wrap = false;             // human mode: OFMT_WRAP (see above)
  std::string warning;           // non-fatal -o problem, for "ipadm: warning: "

  void print(std::ostream& out, const std::vector<Row>& rows) const;
  // The same output as print() of the rows t describes; REQUIRES:
  // t.width == fields.size(), !wrap.
  void print_table(std::ostream& out, const Table& t) const;
  // One formatted line (no newline) for values in selected order; an empty
  // value prints as "--" unless blank_empty (wrap continuation lines).
  std::string format_line(const std::vector<std::string>& values,
                          bool blank_empty = false) const;
  std::string header_line() const;
  // format_line's text appended to line (no newline).
  void append_line(std::string& line, std::span<const std::string_view> values,
                   bool blank_empty = false) const;
};

// Builds the spec from -o (ofields, nullptr when absent), the default field
// list ("all" or "a,b,c"), and the requested mode. Field names match
// case-insensitively; "all" selects every field. Unknown names are fatal in
// parsable mode, in JSON mode, or when no valid field remains; otherwise they
// are dropped with a warning.
Parsed<OutputSpec> make_output_spec(std::span<const FieldDef> fields, const std::string* ofields,
                                    std::string_view defaults, OutMode mode);

// The text of one column of a row: strings as they are, numbers in decimal,
// missing/null as "".
std::string row_text(const Row& row, std::string_view name);

}  // namespace ipadm::cli
