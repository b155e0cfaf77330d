// Fuzz target: the illumos ipadm.conf parser (src/store/illumos_conf_*).
// Input: one ipadm.conf text. Oracle: no crash or sanitizer report; an
// accepted text yields a valid snapshot, and one that can be written back
// reads back equal and without warnings (the contract of illumos_conf.h).
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "store/illumos_conf.h"

using namespace ipadm::store;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> warnings;
  auto snap = parse_illumos_conf(text, &warnings);
  if (!snap) return 0;
  FUZZ_CHECK(validate_snapshot(*snap).is_ok());
  if (!check_illumos_conf(*snap).is_ok()) return 0;
  std::string out = format_illumos_conf(*snap);
  std::vector<std::string> warnings2;
  auto again = parse_illumos_conf(out, &warnings2);
  FUZZ_CHECK(again.is_ok());
  FUZZ_CHECK(warnings2.empty());
  FUZZ_CHECK(*again == *snap);
  return 0;
}
