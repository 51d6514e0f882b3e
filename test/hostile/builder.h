// A module builder for the hostile-module generator: types, imports, functions with their
// bodies, tables, memory, globals, exports and segments, assembled into a binary. It emits
// exactly what it is told (nothing is validated here), so it can build modules at and
// past every implementation limit, and bodies of many megabytes without copying them twice.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace wasm::hostile {

using Bytes = std::vector<uint8_t>;

// Byte-level helpers.
inline void putU(Bytes& b, uint64_t v) {
  do {
    uint8_t x = v & 0x7F;
    v >>= 7;
    b.push_back(v ? (x | 0x80) : x);
  } while (v);
}
inline void putS(Bytes& b, int64_t v) {
  for (;;) {
    uint8_t x = v & 0x7F;
    v >>= 7;
    bool done = (v == 0 && !(x & 0x40)) || (v == -1 && (x & 0x40));
    b.push_back(done ? x : (x | 0x80));
    if (done) return;
  }
}
inline void put(Bytes& b, std::initializer_list<uint8_t> bytes) { b.insert(b.end(), bytes); }
inline void putBytes(Bytes& b, const Bytes& more) { b.insert(b.end(), more.begin(), more.end()); }
inline void putName(Bytes& b, const std::string& s) {
  putU(b, s.size());
  b.insert(b.end(), s.begin(), s.end());
}
// Appends `times` copies of `pattern`.
inline void repeat(Bytes& b, const Bytes& pattern, uint64_t times) {
  b.reserve(b.size() + pattern.size() * times);
  for (uint64_t i = 0; i < times; i++) b.insert(b.end(), pattern.begin(), pattern.end());
}

namespace op {
constexpr uint8_t kUnreachable = 0x00, kNop = 0x01, kBlock = 0x02, kLoop = 0x03, kIf = 0x04,
                  kElse = 0x05, kEnd = 0x0B, kBr = 0x0C, kBrIf = 0x0D, kBrTable = 0x0E,
                  kReturn = 0x0F, kCall = 0x10, kCallIndirect = 0x11, kDrop = 0x1A,
                  kLocalGet = 0x20, kLocalSet = 0x21, kLocalTee = 0x22, kGlobalGet = 0x23,
                  kI32Const = 0x41, kI64Const = 0x42, kF64Const = 0x44, kI32Add = 0x6A,
                  kI64Add = 0x7C, kVoid = 0x40, kI32 = 0x7F, kI64 = 0x7E, kF32 = 0x7D, kF64 = 0x7C,
                  kFuncRef = 0x70;
}  // namespace op

class ModuleBuilder {
 public:
  uint32_t type(const Bytes& params, const Bytes& results) {
    Bytes t{0x60};
    putU(t, params.size());
    putBytes(t, params);
    putU(t, results.size());
    putBytes(t, results);
    types_.push_back(std::move(t));
    return uint32_t(types_.size() - 1);
  }
  uint32_t importFunc(const std::string& module, const std::string& name, uint32_t typeIndex) {
    Bytes i;
    putName(i, module);
    putName(i, name);
    i.push_back(0x00);
    putU(i, typeIndex);
    imports_.push_back(std::move(i));
    return numImportedFuncs_++;
  }
  // A function: its locals as (count, type) runs, then its code, which must end with `end`.
  uint32_t func(uint32_t typeIndex, const std::vector<std::pair<uint32_t, uint8_t>>& locals, Bytes code) {
    funcs_.push_back(typeIndex);
    Bytes body;
    putU(body, locals.size());
    for (auto& [n, t] : locals) {
      putU(body, n);
      body.push_back(t);
    }
    Bytes framed;
    putU(framed, body.size() + code.size());
    framed.reserve(framed.size() + body.size() + code.size());
    putBytes(framed, body);
    putBytes(framed, code);
    bodies_.push_back(std::move(framed));
    return numImportedFuncs_ + uint32_t(funcs_.size() - 1);
  }
  // Raw entries, for the sections whose entries the cases build themselves.
  void rawTable(Bytes t) { tables_.push_back(std::move(t)); }
  void table(uint8_t elem, uint64_t min) {
    Bytes t{elem, 0x00};
    putU(t, min);
    tables_.push_back(std::move(t));
  }
  void memory(uint64_t min, int64_t max = -1) {
    Bytes m{uint8_t(max < 0 ? 0x00 : 0x01)};
    putU(m, min);
    if (max >= 0) putU(m, uint64_t(max));
    memories_.push_back(std::move(m));
  }
  void rawGlobal(Bytes g) { globals_.push_back(std::move(g)); }
  void exportFunc(const std::string& name, uint32_t index) {
    Bytes e;
    putName(e, name);
    e.push_back(0x00);
    putU(e, index);
    exports_.push_back(std::move(e));
  }
  void rawElem(Bytes e) { elems_.push_back(std::move(e)); }
  void rawData(Bytes d) { datas_.push_back(std::move(d)); }
  void dataCount(uint32_t n) { dataCount_ = int64_t(n); }
  // Raw section overrides: the entry count written may differ from the entries (a count
  // past a limit, with no entries to back it, is how a case tries a huge count cheaply).
  void overrideCount(uint8_t section, uint64_t count) { counts_.push_back({section, count}); }

  Bytes build() const {
    Bytes out{0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
    section(out, 1, types_);
    section(out, 2, imports_);
    Bytes funcSec;
    putU(funcSec, countFor(3, funcs_.size()));
    for (uint32_t t : funcs_) putU(funcSec, t);
    if (!funcs_.empty()) raw(out, 3, funcSec);
    section(out, 4, tables_);
    section(out, 5, memories_);
    section(out, 6, globals_);
    section(out, 7, exports_);
    section(out, 9, elems_);
    if (dataCount_ >= 0) {
      Bytes dc;
      putU(dc, uint64_t(dataCount_));
      raw(out, 12, dc);
    }
    section(out, 10, bodies_);
    section(out, 11, datas_);
    return out;
  }

 private:
  uint64_t countFor(uint8_t id, uint64_t n) const {
    for (auto& [s, c] : counts_)
      if (s == id) return c;
    return n;
  }
  void section(Bytes& out, uint8_t id, const std::vector<Bytes>& entries) const {
    if (entries.empty() && countFor(id, 0) == 0) return;
    Bytes payload;
    size_t total = 0;
    for (const Bytes& e : entries) total += e.size();
    payload.reserve(total + 5);
    putU(payload, countFor(id, entries.size()));
    for (const Bytes& e : entries) putBytes(payload, e);
    raw(out, id, payload);
  }
  static void raw(Bytes& out, uint8_t id, const Bytes& payload) {
    out.push_back(id);
    putU(out, payload.size());
    putBytes(out, payload);
  }
  std::vector<Bytes> types_, imports_, tables_, memories_, globals_, exports_, elems_, datas_, bodies_;
  std::vector<uint32_t> funcs_;
  std::vector<std::pair<uint8_t, uint64_t>> counts_;
  uint32_t numImportedFuncs_ = 0;
  int64_t dataCount_ = -1;
};

}  // namespace wasm::hostile
