// Engine zone. Error formatting.
#include <cstdarg>
#include <cstdio>

#include "wasm/result.h"

namespace wasm {

const char* errorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Malformed: return "malformed module";
    case ErrorKind::Invalid: return "invalid module";
    case ErrorKind::Unsupported: return "unsupported feature";
    case ErrorKind::Link: return "link error";
    case ErrorKind::Trap: return "trap";
    case ErrorKind::Limit: return "limit exceeded";
    case ErrorKind::Resource: return "out of resources";
    case ErrorKind::Interrupted: return "interrupted";
  }
  return "error";
}

std::string Error::describe() const {
  std::string s = errorKindName(kind);
  s += ": ";
  s += message;
  if (hasOffset()) {
    char buf[48];
    snprintf(buf, sizeof buf, " (at byte offset %llu)", (unsigned long long)offset);
    s += buf;
  }
  return s;
}

Error makeError(ErrorKind kind, uint64_t offset, const char* fmt, ...) {
  Error e;
  e.kind = kind;
  e.offset = offset;
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  e.message = buf;
  return e;
}

}  // namespace wasm
