// TempDir: a private directory under $TMPDIR (or /tmp), removed with its
// contents when the object is destroyed. Test helper; not thread-safe.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace ipadm::store::testing {

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string templ = std::string(base && *base ? base : "/tmp") + "/ipadm-store-XXXXXX";
    if (char* p = ::mkdtemp(templ.data())) path_ = p;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace ipadm::store::testing
