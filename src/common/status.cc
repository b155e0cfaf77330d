#include "common/status.h"

#include <cerrno>

namespace ipadm {

namespace {
struct ErrcRow {
  Errc code;
  std::string_view name;
  std::string_view message;
};
constexpr ErrcRow kRows[] = {
#define IPADM_ERRC(name, num, sym, msg) {Errc::name, #sym, msg},
#include "common/errc.def"
#undef IPADM_ERRC
};
constexpr int kRowCount = sizeof(kRows) / sizeof(kRows[0]);

const ErrcRow* find_row(Errc c) {
  int i = static_cast<int>(c);
  if (i < 0 || i >= kRowCount || kRows[i].code != c) return nullptr;
  return &kRows[i];
}
}  // namespace

std::string_view errc_message(Errc c) {
  const ErrcRow* r = find_row(c);
  return r ? r->message : "<unknown error>";
}

std::string_view errc_name(Errc c) {
  const ErrcRow* r = find_row(c);
  return r ? r->name : "IPADM_UNKNOWN";
}

Errc errc_from_errno(int err) {
  switch (err) {
    case 0: return Errc::Success;
    case ENXIO: case ENODEV: return Errc::Enxio;
    case ENOMEM: return Errc::NoMemory;
    case ENOBUFS: return Errc::NoBufs;
    case EINVAL: return Errc::InvalidArg;
    case EBUSY: return Errc::IfInUse;
    case EEXIST: return Errc::Exists;
    case EADDRNOTAVAIL: return Errc::AddrNotAvail;
    case EADDRINUSE: return Errc::AddrInUse;
    case ENOENT: return Errc::NotFound;
    case ERANGE: return Errc::ERange;
    case EPERM: case EACCES: return Errc::EPerm;
    case ENOTSUP: return Errc::NotSup;
    case EBADF: return Errc::IpcError;
    case EBADE: return Errc::EBade;
    case ESRCH: return Errc::ESrch;
    case EOVERFLOW: return Errc::EOverflow;
    default: return Errc::Failure;
  }
}

Status Status::from_errno(int err, std::string detail) {
  return Status(errc_from_errno(err), std::move(detail), err);
}

std::string Status::to_string() const {
  std::string s(errc_message(code_));
  if (!detail_.empty()) {
    s += ": ";
    s += detail_;
  }
  return s;
}

}  // namespace ipadm
