// Fuzz harness. Comparison and printing of Outcomes (see outcome.h).
#include "outcome.h"

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace fuzz {

namespace {

using wasm::ValType;
using wasm::Value;

bool isNan(const Value& v) {
  if (v.type == ValType::F32) return std::isnan(v.asF32());
  if (v.type == ValType::F64) return std::isnan(v.asF64());
  return false;
}

bool sameValue(const Value& a, const Value& b) {
  if (a.type != b.type) return false;
  if (wasm::isRef(a.type)) return a.isNull() == b.isNull();
  if (isNan(a) || isNan(b)) return isNan(a) && isNan(b);
  if (a.type == ValType::I32 || a.type == ValType::F32) return uint32_t(a.bits) == uint32_t(b.bits);
  return a.bits == b.bits;
}

std::string valueText(const Value& v) {
  char buf[64];
  if (wasm::isRef(v.type)) return std::string(wasm::valTypeName(v.type)) + (v.isNull() ? ":null" : ":ref");
  if (v.type == ValType::I32 || v.type == ValType::F32)
    snprintf(buf, sizeof buf, "%s:0x%08" PRIx32, wasm::valTypeName(v.type), uint32_t(v.bits));
  else
    snprintf(buf, sizeof buf, "%s:0x%016" PRIx64, wasm::valTypeName(v.type), v.bits);
  return buf;
}

std::string valuesText(const std::vector<Value>& vs) {
  std::string s = "(";
  for (size_t i = 0; i < vs.size(); i++) s += (i ? " " : "") + valueText(vs[i]);
  return s + ")";
}

bool sameValues(const std::vector<Value>& a, const std::vector<Value>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); i++)
    if (!sameValue(a[i], b[i])) return false;
  return true;
}

std::string statusText(const CallOutcome& c) {
  switch (c.status) {
    case CallStatus::Returned: return "returned " + valuesText(c.results);
    case CallStatus::Trapped:
      return std::string("trapped: ") + wasm::trapName(c.trap) + " (" + c.trapText + ")";
    case CallStatus::Exhausted: return "exhausted: " + c.trapText;
  }
  return "?";
}

std::string hostCallsText(const std::vector<HostCallRecord>& calls) {
  std::string s;
  for (const HostCallRecord& h : calls) s += "    import " + std::to_string(h.import) + valuesText(h.args) + "\n";
  return s;
}

std::string compareHostCalls(const std::string& what, const std::vector<HostCallRecord>& a,
                             const std::vector<HostCallRecord>& b) {
  size_t n = a.size() < b.size() ? a.size() : b.size();
  for (size_t i = 0; i < n; i++) {
    if (a[i].import != b[i].import || !sameValues(a[i].args, b[i].args))
      return what + ": host call " + std::to_string(i) + " differs: ours import " +
             std::to_string(a[i].import) + valuesText(a[i].args) + ", wabt import " +
             std::to_string(b[i].import) + valuesText(b[i].args);
  }
  if (a.size() != b.size())
    return what + ": " + std::to_string(a.size()) + " host calls in ours, " +
           std::to_string(b.size()) + " in wabt";
  return "";
}

// Compares two calls' status, results and trap kinds (not host calls).
std::string compareCall(const CallOutcome& a, const CallOutcome& b) {
  std::string what = "export \"" + a.name + "\"";
  if (a.status != b.status) return what + ": ours " + statusText(a) + ", wabt " + statusText(b);
  if (a.status == CallStatus::Returned && !sameValues(a.results, b.results))
    return what + ": ours " + statusText(a) + ", wabt " + statusText(b);
  // A trap the wabt side could not classify (TrapKind::None) matches any trap.
  if (a.status == CallStatus::Trapped && b.trap != wasm::TrapKind::None && a.trap != b.trap)
    return what + ": ours " + statusText(a) + ", wabt " + statusText(b);
  return compareHostCalls(what, a.hostCalls, b.hostCalls);
}

const char* stageName(Outcome::Stage s) {
  switch (s) {
    case Outcome::Stage::Rejected: return "rejected";
    case Outcome::Stage::Unlinkable: return "unlinkable";
    case Outcome::Stage::StartTrapped: return "start trapped";
    case Outcome::Stage::Instantiated: return "instantiated";
  }
  return "?";
}

}  // namespace

Value argument(ValType type, uint32_t pass, size_t index) {
  // Integers too stay clear of NaN bit patterns: a module may reinterpret them as floats.
  static const uint32_t k32[] = {0xFF800000u, 1, 0x80000000u, 0x10000, 0x7F7FFFFFu, 0xFFFF, 3};
  static const uint64_t k64[] = {0xFFF0000000000000ull, 1, uint64_t(1) << 63, 0x100000000ull,
                                 0x7FEFFFFFFFFFFFFFull, 0xFFFFFFFFull, 3};
  static const float kF32[] = {-1.5f, 0.5f, INFINITY, -0.0f, 1e10f, 3.0f, -4294967296.0f};
  static const double kF64[] = {-1.5, 0.5, -INFINITY, -0.0, 1e300, 3.0, 9223372036854775808.0};
  if (pass == 0 || wasm::isRef(type)) return Value{type, 0};
  size_t i = (index + pass - 1) % 7;
  switch (type) {
    case ValType::I32: return Value::i32(k32[i]);
    case ValType::I64: return Value::i64(k64[i]);
    case ValType::F32: return Value::f32(kF32[i]);
    case ValType::F64: return Value::f64(kF64[i]);
    default: return Value{type, 0};
  }
}

std::string compareOutcomes(const Outcome& ours, const Outcome& theirs) {
  // Unlinkable means a limit of ours (memory, table size) or a missing import: no verdict.
  if (ours.stage == Outcome::Stage::Unlinkable || theirs.stage == Outcome::Stage::Unlinkable) return "";
  if (ours.stage != theirs.stage)
    return std::string("instantiation: ours ") + stageName(ours.stage) + " (" + ours.error + "), wabt " +
           stageName(theirs.stage) + " (" + theirs.error + ")";
  if (ours.stage == Outcome::Stage::Rejected) return "";
  if (ours.start.status == CallStatus::Exhausted || theirs.start.status == CallStatus::Exhausted) return "";
  if (std::string d = compareCall(ours.start, theirs.start); !d.empty()) return "start: " + d;
  if (ours.stage == Outcome::Stage::StartTrapped) return "";

  if (ours.calls.size() != theirs.calls.size())
    return "number of calls: ours " + std::to_string(ours.calls.size()) + ", wabt " +
           std::to_string(theirs.calls.size());
  for (size_t i = 0; i < ours.calls.size(); i++) {
    const CallOutcome& a = ours.calls[i];
    const CallOutcome& b = theirs.calls[i];
    if (a.status == CallStatus::Exhausted || b.status == CallStatus::Exhausted) return "";
    if (std::string d = compareCall(a, b); !d.empty()) return d;
  }

  if (ours.memories.size() != theirs.memories.size()) return "number of exported memories differs";
  for (size_t m = 0; m < ours.memories.size(); m++) {
    const std::vector<uint8_t>& a = ours.memories[m];
    const std::vector<uint8_t>& b = theirs.memories[m];
    std::string what = "memory \"" + ours.memoryNames[m] + "\"";
    if (a.size() != b.size())
      return what + ": ours " + std::to_string(a.size()) + " bytes, wabt " + std::to_string(b.size());
    if (a.empty() || memcmp(a.data(), b.data(), a.size()) == 0) continue;
    for (size_t i = 0; i < a.size(); i++) {
      if (a[i] != b[i]) {
        char buf[128];
        snprintf(buf, sizeof buf, ": byte 0x%zx is 0x%02x in ours, 0x%02x in wabt", i, a[i], b[i]);
        return what + buf;
      }
    }
  }
  if (ours.globals.size() != theirs.globals.size()) return "number of exported globals differs";
  for (size_t g = 0; g < ours.globals.size(); g++) {
    if (!sameValue(ours.globals[g], theirs.globals[g]))
      return "global \"" + ours.globalNames[g] + "\": ours " + valueText(ours.globals[g]) + ", wabt " +
             valueText(theirs.globals[g]);
  }
  return "";
}

std::string describeOutcome(const Outcome& o) {
  std::string s = std::string(stageName(o.stage));
  if (!o.error.empty()) s += ": " + o.error;
  s += "\n";
  if (o.stage == Outcome::Stage::Rejected || o.stage == Outcome::Stage::Unlinkable) return s;
  s += "  start: " + statusText(o.start) + "\n" + hostCallsText(o.start.hostCalls);
  for (const CallOutcome& c : o.calls) s += "  " + c.name + ": " + statusText(c) + "\n" + hostCallsText(c.hostCalls);
  for (size_t g = 0; g < o.globals.size(); g++) s += "  global " + o.globalNames[g] + " = " + valueText(o.globals[g]) + "\n";
  for (size_t m = 0; m < o.memories.size(); m++)
    s += "  memory " + o.memoryNames[m] + ": " + std::to_string(o.memories[m].size()) + " bytes\n";
  return s;
}

}  // namespace fuzz
