// Engine zone. Error values and Result<T>: the engine reports every failure as a value
// carrying what went wrong and, for module bytes, where (byte offset). No exceptions.
#pragma once

#include <cstdint>
#include <new>
#include <string>
#include <type_traits>
#include <utility>

namespace wasm {

enum class ErrorKind : uint8_t {
  Malformed,    // bytes are not a well-formed binary module
  Invalid,      // well-formed but fails validation
  Unsupported,  // uses a feature this engine does not implement (names the feature)
  Link,         // imports do not match what the module needs
  Trap,         // a trap while instantiating (segment out of bounds, start function)
  Limit,        // an embedder limit (memory, module size, implementation limits)
  Resource,     // the host could not provide memory or executable pages
  Interrupted,  // the embedder's interrupt handler stopped a decode, validate or compile job
};

const char* errorKindName(ErrorKind kind);

inline constexpr uint64_t kNoOffset = ~uint64_t(0);

struct Error {
  ErrorKind kind = ErrorKind::Invalid;
  uint64_t offset = kNoOffset;  // byte offset in the module, or kNoOffset
  std::string message;
  uint8_t trap = 0;  // TrapKind when kind == Trap

  bool hasOffset() const { return offset != kNoOffset; }
  // "message (at byte 0x1f)" style text for people.
  std::string describe() const;
};

Error makeError(ErrorKind kind, uint64_t offset, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : ok_(true) { new (&value_) T(std::move(value)); }  // NOLINT: implicit by design
  Result(Error error) : ok_(false) { new (&error_) Error(std::move(error)); }  // NOLINT
  Result(Result&& o) noexcept : ok_(o.ok_) {
    if (ok_) new (&value_) T(std::move(o.value_));
    else new (&error_) Error(std::move(o.error_));
  }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  ~Result() {
    if (ok_) value_.~T();
    else error_.~Error();
  }

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  T& value() { return value_; }
  const T& value() const { return value_; }
  T& operator*() { return value_; }
  T* operator->() { return &value_; }
  Error& error() { return error_; }
  const Error& error() const { return error_; }
  T take() { return std::move(value_); }

 private:
  bool ok_;
  union {
    T value_;
    Error error_;
  };
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : ok_(false), error_(std::move(error)) {}  // NOLINT
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  Error& error() { return error_; }
  const Error& error() const { return error_; }

 private:
  bool ok_ = true;
  Error error_;
};

using Status = Result<void>;

inline Status okStatus() { return Status(); }

}  // namespace wasm

// Propagates the error of a Result/Status expression out of the current function.
#define WASM_TRY(expr)                               \
  do {                                               \
    auto&& wasm_try_r_ = (expr);                     \
    if (!wasm_try_r_.ok()) return std::move(wasm_try_r_.error()); \
  } while (0)

#define WASM_CONCAT_INNER(a, b) a##b
#define WASM_CONCAT(a, b) WASM_CONCAT_INNER(a, b)
// WASM_ASSIGN(auto x, expr): declares x from a Result, or returns its error.
#define WASM_ASSIGN(decl, expr) WASM_ASSIGN_IMPL(WASM_CONCAT(wasm_r_, __LINE__), decl, expr)
#define WASM_ASSIGN_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                      \
  if (!tmp.ok()) return std::move(tmp.error()); \
  decl = tmp.take()
