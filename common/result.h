// Result<T>: a value or the one sentence that says why there is none. cpark's single
// error shape inside its libraries: validation, parsing and admin changes all return it,
// and each library boundary turns an Error into its own exception type only where a
// caller cannot go on (config: FileError, store: StoreError, cli: CommandError).
// (std::expected would do, but it needs C++23 and clang 14's libstdc++ support of it is
// incomplete; this is the small subset cpark uses.)
#pragma once
#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace cpark {

// What went wrong, in words a person understands: the value, and the rule it breaks
// (`range "sales" *100-*1999: start and end must have the same length (O3)`).
struct Error {
  std::string message;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(Error e) : v_(std::in_place_index<1>, std::move(e)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { assert(!ok()); return std::get<1>(v_); }
  const std::string& message() const { return error().message; }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error e) : error_(std::move(e)), ok_(false) {}

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { assert(!ok_); return error_; }
  const std::string& message() const { return error().message; }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

// Shorthand for returning a failure: `return fail("…")`.
inline Error fail(std::string message) { return Error{std::move(message)}; }

}  // namespace cpark
