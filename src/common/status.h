// Status and Result: errors as values carrying an ipadm status code.
//
// Errc is the closed set of ipadm_status_t codes (spec section 7); the numeric
// values are the illumos enum order and travel on the wire unchanged. A Status
// optionally carries a detail string (e.g. netlink extended-ack text, a path)
// and the errno it was converted from. Nothing in this project throws across a
// module boundary: fallible calls return [[nodiscard]] Status or Result<T>.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace ipadm {

enum class Errc : int {
#define IPADM_ERRC(name, num, sym, msg) name = num,
#include "common/errc.def"
#undef IPADM_ERRC
};

// The illumos message for a code ("<unknown error>" for out-of-range values).
std::string_view errc_message(Errc c);
// The symbolic name, e.g. "IPADM_ENXIO" (for logs and JSON).
std::string_view errc_name(Errc c);
// errno -> status mapping of libipadm (spec section 7).
Errc errc_from_errno(int err);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Errc code, std::string detail = {}, int sys_errno = 0)
      : code_(code), detail_(std::move(detail)), errno_(sys_errno) {}
  static Status ok() { return {}; }
  // Build from an errno value, keeping it as detail.
  static Status from_errno(int err, std::string detail = {});

  bool is_ok() const { return code_ == Errc::Success; }
  explicit operator bool() const { return is_ok(); }
  Errc code() const { return code_; }
  const std::string& detail() const { return detail_; }
  int sys_errno() const { return errno_; }
  // "<message>" or "<message>: <detail>".
  std::string to_string() const;
  void ignore() const {}

 private:
  Errc code_ = Errc::Success;
  std::string detail_;
  int errno_ = 0;
};

// Result<T>: a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Status s) : v_(std::move(s)) { assert(!std::get<Status>(v_).is_ok()); }
  Result(Errc c, std::string detail = {}) : v_(Status(c, std::move(detail))) {}

  bool is_ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return is_ok(); }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  Status status() const { return is_ok() ? Status() : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

inline Status to_status(const Status& s) { return s; }
template <typename T>
Status to_status(const Result<T>& r) { return r.status(); }

// Propagate a failing Status/Result from the enclosing function.
#define IPADM_TRY(expr)                                       \
  do {                                                        \
    auto&& ipadm_try_s_ = (expr);                             \
    if (!ipadm_try_s_.is_ok()) return ::ipadm::to_status(ipadm_try_s_); \
  } while (0)

}  // namespace ipadm
