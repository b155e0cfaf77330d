#include "cli/ofmt.h"

#include <algorithm>
#include <cctype>

namespace ipadm::cli {

namespace {
std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}
std::string upper(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return r;
}
// One line's worth of a comma list for a column of width, from item *next
// on (libofmt ofmt_fit_width): items are added while the text so far plus
// the next item fits; the last line has no trailing ','.
std::string fit_width(const std::vector<std::string>& items, size_t* next, size_t width) {
  std::string v;
  size_t i = *next;
  for (; i < items.size(); i++) {
    v += items[i];
    v += ',';
    size_t nextlen = 0;
    if (i + 1 == items.size())
      v.pop_back();
    else
      nextlen = items[i + 1].size();
    if (v.size() + nextlen > width) {
      i++;
      break;
    }
  }
  *next = i;
  return v;
}

}  // namespace

Parsed<OutputSpec> make_output_spec(std::span<const FieldDef> fields, const std::string* ofields,
                                    std::string_view defaults, OutMode mode) {
  OutputSpec spec;
  spec.fields = fields;
  spec.mode = mode;
  spec.explicit_fields = ofields != nullptr;
  std::string list = ofields ? *ofields : std::string(defaults);
  if (lower(list) == "all") {
    for (size_t i = 0; i < fields.size(); i++) spec.selected.push_back(i);
    return spec;
  }
  std::string bad;
  for (const std::string& name : split_list(list)) {
    std::string l = lower(name);
    auto it = std::find_if(fields.begin(), fields.end(),
                           [&](const FieldDef& f) { return f.name == l; });
    if (it == fields.end()) {
      bad += (bad.empty() ? "" : ",") + name;
      continue;
    }
    spec.selected.push_back(static_cast<size_t>(it - fields.begin()));
  }
  if (!bad.empty()) {
    std::string msg = "invalid field(s) specified: " + bad;
    if (mode != OutMode::Human || spec.selected.empty()) return Parsed<OutputSpec>::fail(msg);
    spec.warning = msg;
  }
  if (spec.selected.empty()) return Parsed<OutputSpec>::fail("no fields specified");
  return spec;
}

std::string row_text(const Row& row, std::string_view name) {
  auto it = row.find(std::string(name));
  if (it == row.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

std::string OutputSpec::format_line(const std::vector<std::string>& values,
                                    bool blank_empty) const {
  std::vector<std::string_view> views(values.begin(), values.end());
  std::string line;
  append_line(line, views, blank_empty);
  return line;
}

void OutputSpec::append_line(std::string& line, std::span<const std::string_view> values,
                             bool blank_empty) const {
  const size_t n = selected.size();
  if (mode == OutMode::Parsable) {
    if (n == 1) {
      if (!values.empty()) line += values[0];
      return;
    }
    for (size_t i = 0; i < n; i++) {
      std::string_view v = values[i];
      for (size_t at; (at = v.find_first_of(":\\")) != std::string_view::npos;
           v.remove_prefix(at + 1)) {
        line += v.substr(0, at);
        line += '\\';
        line += v[at];
      }
      line += v;
      if (i + 1 < n) line += ':';
    }
    return;
  }
  // Human mode, libofmt's overflow rule.
  long overflow = 0;
  for (size_t i = 0; i < n; i++) {
    std::string_view v = values[i].empty() && !blank_empty ? std::string_view("--") : values[i];
    if (i + 1 == n) {
      line += v;
      break;
    }
    long width = static_cast<long>(fields[selected[i]].width);
    long vw = static_cast<long>(v.size());
    if (vw + overflow >= width) {
      overflow += vw - width + 1;
      line += v;
      line += ' ';
      continue;
    }
    if (overflow > 0) {
      long compress = std::min(overflow, width - vw);
      overflow -= compress;
      width -= compress;
    }
    line += v;
    line.append(static_cast<size_t>(width - vw), ' ');
  }
}

std::string OutputSpec::header_line() const {
  std::vector<std::string> names;
  for (size_t i : selected) names.push_back(upper(fields[i].name));
  return format_line(names);
}

void OutputSpec::print(std::ostream& out, const std::vector<Row>& rows) const {
  if (mode == OutMode::Json) {
    nlohmann::ordered_json doc = nlohmann::ordered_json::array();
    for (const Row& r : rows) {
      if (!explicit_fields) {
        doc.push_back(r);
        continue;
      }
      Row o = Row::object();
      for (size_t i : selected) {
        std::string key(fields[i].name);
        auto it = r.find(key);
        o[key] = it == r.end() ? Row("") : *it;
      }
      doc.push_back(std::move(o));
    }
    out << doc.dump(2) << '\n';
    return;
  }
  if (mode == OutMode::Human) out << header_line() << '\n';
  for (const Row& r : rows) {
    std::vector<std::string> values;
    for (size_t i : selected) values.push_back(row_text(r, fields[i].name));
    if (!wrap || mode != OutMode::Human) {
      out << format_line(values) << '\n';
      continue;
    }
    std::vector<std::vector<std::string>> items;
    for (const std::string& v : values) items.push_back(split_list(v));
    std::vector<size_t> next(values.size(), 0);
    for (bool first = true;; first = false) {
      bool more = false;
      for (size_t k = 0; k < values.size(); k++) {
        values[k] = fit_width(items[k], &next[k], fields[selected[k]].width);
        more |= next[k] < items[k].size();
      }
      out << format_line(values, !first) << '\n';
      if (!more) break;
    }
  }
}

void OutputSpec::print_table(std::ostream& out, const Table& t) const {
  if (mode == OutMode::Json) {
    std::vector<Row> rows;
    rows.reserve(t.rows());
    for (size_t r = 0; r < t.rows(); r++) rows.push_back(t.json_row(r));
    print(out, rows);
    return;
  }
  // One buffer written in large pieces: no stream call per value.
  constexpr size_t kFlush = 64 * 1024;
  std::string buf;
  buf.reserve(kFlush + 1024);
  if (mode == OutMode::Human) buf += header_line() + '\n';
  std::vector<std::string_view> values(selected.size());
  for (size_t r = 0; r < t.rows(); r++) {
    for (size_t k = 0; k < selected.size(); k++) values[k] = t.cells[r * t.width + selected[k]];
    append_line(buf, values);
    buf += '\n';
    if (buf.size() >= kFlush) {
      out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
      buf.clear();
    }
  }
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
}

}  // namespace ipadm::cli
