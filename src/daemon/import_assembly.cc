#include "daemon/import_assembly.h"

namespace ipadm::daemon {

namespace {
constexpr const char* kNothing = "; nothing was imported: run the import again";
}

Status ImportAssembly::refuse_(Errc code, std::string why) {
  open_ = false;
  total_ = 0;
  text_.clear();
  text_.shrink_to_fit();
  return Status(code, std::move(why) + kNothing);
}

Result<ImportAssembly::Step> ImportAssembly::add(const rpc::ImportReq& c) {
  const uint64_t off = c.offset();
  if (!open_) {
    if (off != 0)
      return refuse_(Errc::EBade, "import fragment at byte " + std::to_string(off) + " of " +
                                      std::to_string(c.total()) +
                                      " does not start an import (ipmgmtd restarted during "
                                      "the import?)");
    if (c.total() > kMaxText)
      return refuse_(Errc::NoBufs, "import of " + std::to_string(c.total()) +
                                       " bytes is larger than " + std::to_string(kMaxText));
    open_ = true;
    total_ = c.total();
  } else if (off != text_.size() || c.total() != total_) {
    return refuse_(Errc::EBade, "import fragment at byte " + std::to_string(off) + " of " +
                                    std::to_string(c.total()) + " does not continue the " +
                                    std::to_string(text_.size()) + " bytes of " +
                                    std::to_string(total_) + " received");
  }
  if (c.text().size() > total_ - text_.size())
    return refuse_(Errc::EBade, "import fragment goes past the announced " +
                                    std::to_string(total_) + " bytes");
  text_ += c.text();
  if (c.more()) return Step::kMore;
  if (text_.size() != total_)
    return refuse_(Errc::EBade, "import ended after " + std::to_string(text_.size()) +
                                    " of the announced " + std::to_string(total_) + " bytes");
  return Step::kDone;
}

std::string ImportAssembly::take() {
  std::string out = std::move(text_);
  open_ = false;
  total_ = 0;
  text_.clear();
  return out;
}

}  // namespace ipadm::daemon
