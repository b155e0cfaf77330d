// Fuzz target: the JSON import (src/store/conf_json.cc) and the format
// detection of conf_import.cc. Input: one import text. Oracle: no crash, no
// exception escapes; an accepted text yields a valid snapshot that
// format_conf_json writes and parse_conf_json reads back equal.
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "store/conf_import.h"
#include "store/conf_json.h"

using namespace ipadm::store;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> warnings;
  auto snap = parse_conf_json(text, &warnings);
  (void)parse_conf(text, nullptr);  // the import's format dispatch
  if (!snap) return 0;
  FUZZ_CHECK(validate_snapshot(*snap).is_ok());
  std::string out = format_conf_json(*snap);
  auto again = parse_conf_json(out, nullptr);
  FUZZ_CHECK(again.is_ok());
  FUZZ_CHECK(*again == *snap);
  return 0;
}
