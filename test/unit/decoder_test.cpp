// Unit tests of the binary decoder (engine/decoder): header, section framing, LEB128,
// counts, names, feature detection, segments, code and name sections.
#include "decoder/decoder.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "validator/validator.h"

#include "module_bytes.h"

namespace wasm {
namespace {

using namespace wasm::test;  // the module assembler (module_bytes.h)
Bytes module(std::initializer_list<Bytes> sections) {
  Bytes out = kHeader;
  for (const Bytes& s : sections) out.insert(out.end(), s.begin(), s.end());
  return out;
}
// Function body: locals vector and code (the code should end with 0x0B).
Bytes body(const Bytes& locals, const Bytes& code) {
  Bytes b = cat({locals, code});
  return cat({u32(b.size()), b});
}
const Bytes kVoidType = section(1, vec({{0x60, 0x00, 0x00}}));

Result<std::unique_ptr<ModuleInfo>> decode(const Bytes& b) {
  return decodeModule(b.data(), b.size());
}

// Asserts that decoding fails with `kind`, at `offset`, with a message containing `text`.
void expectError(const Bytes& b, ErrorKind kind, uint64_t offset, const std::string& text) {
  auto r = decode(b);
  ASSERT_FALSE(r.ok()) << "decoded a bad module";
  EXPECT_EQ(errorKindName(r.error().kind), std::string(errorKindName(kind)))
      << r.error().describe();
  EXPECT_EQ(r.error().offset, offset) << r.error().describe();
  EXPECT_NE(r.error().message.find(text), std::string::npos) << r.error().describe();
}

// --- header and framing ----------------------------------------------------------------
TEST(Decoder, EmptyModule) {
  auto r = decode(module({}));
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_TRUE(r.value()->types.empty());
  EXPECT_EQ(r.value()->bytes.size(), 8u);
}

TEST(Decoder, MagicAndVersion) {
  expectError({}, ErrorKind::Malformed, 0, "unexpected end");
  expectError({0x00, 0x61, 0x73}, ErrorKind::Malformed, 3, "unexpected end");
  expectError({0x00, 0x61, 0x73, 0x6E, 0x01, 0x00, 0x00, 0x00}, ErrorKind::Malformed, 0,
              "magic header not detected");
  expectError({0x00, 0x61, 0x73, 0x6D, 0x01, 0x00}, ErrorKind::Malformed, 6, "unexpected end");
  expectError({0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00}, ErrorKind::Malformed, 4,
              "unknown binary version");
}

TEST(Decoder, TruncatedLeb128) {
  // Type section whose count is a LEB128 cut off by the end of the section.
  expectError(module({section(1, {0x80})}), ErrorKind::Malformed, 10, "unexpected end");
  // ... and by the end of the module (the section size itself).
  expectError(cat({kHeader, {0x01, 0x80}}), ErrorKind::Malformed, 9, "unexpected end");
}

TEST(Decoder, OverlongLeb128) {
  // A u32 takes at most 5 bytes: six bytes (even of value 0) are too long.
  expectError(module({section(1, {0x80, 0x80, 0x80, 0x80, 0x80, 0x00})}), ErrorKind::Malformed, 10,
              "integer representation too long");
  // Fifth byte with bits above bit 31 set: too large.
  expectError(module({section(1, {0x80, 0x80, 0x80, 0x80, 0x10})}), ErrorKind::Malformed, 10,
              "integer too large");
  // i32.const whose signed value does not fit 32 bits (in a global initializer).
  Bytes global = section(6, vec({{0x7F, 0x00, 0x41, 0x80, 0x80, 0x80, 0x80, 0x70, 0x0B}}));
  expectError(module({global}), ErrorKind::Malformed, 14, "integer too large");
}

TEST(Decoder, HugeCountsFailFastWithoutAllocating) {
  const Bytes kMaxCount = {0xFF, 0xFF, 0xFF, 0xFF, 0x0F};
  // Type, import and function sections claiming 2^32-1 entries in a few bytes.
  for (uint8_t id : {1, 2, 3, 6, 7, 9, 11}) {
    SCOPED_TRACE(int(id));
    Bytes payload = cat({kMaxCount, {0x00, 0x00}});
    expectError(module({section(id, payload)}), ErrorKind::Malformed, 10, "entries cannot fit");
  }
  // The same for a function type's parameter vector and a br_table-free body's locals.
  expectError(module({section(1, cat({{0x01, 0x60}, kMaxCount, {0x00}}))}), ErrorKind::Malformed,
              12, "entries cannot fit");
  // A code section count that disagrees with the function section.
  expectError(module({kVoidType, section(3, {0x01, 0x00}), section(10, cat({kMaxCount}))}),
              ErrorKind::Malformed, 20, "function and code section have inconsistent lengths");
}

TEST(Decoder, CountAboveImplementationLimit) {
  // 100001 imports would need at least that many bytes; with them present the limit applies.
  Bytes payload = u32(limits::kMaxImports + 1);
  payload.resize(payload.size() + limits::kMaxImports + 1, 0);
  auto r = decode(module({section(2, payload)}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Limit);
  EXPECT_EQ(r.error().offset, 12u);  // after a three-byte section size
}

TEST(Decoder, SectionOrder) {
  // Function section before the type section.
  Bytes func = section(3, {0x01, 0x00});
  expectError(module({func, kVoidType}), ErrorKind::Malformed, 12,
              "unexpected content after last section");
  // Data count (12) must come before code (10).
  expectError(module({section(10, {0x00}), section(12, {0x00})}), ErrorKind::Malformed, 11,
              "unexpected content after last section");
  // Custom sections may appear anywhere.
  Bytes custom = section(0, str("x"));
  auto r = decode(module(
      {custom, kVoidType, custom, section(12, {0x00}), custom, section(10, {0x00}), custom}));
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r.value()->customs.size(), 4u);
  EXPECT_TRUE(r.value()->hasDataCount);
}

TEST(Decoder, DuplicateSection) {
  expectError(module({kVoidType, kVoidType}), ErrorKind::Malformed, 14, "duplicate type section");
}

TEST(Decoder, SectionSizeMismatch) {
  // Type section with one spare byte after its single type.
  expectError(module({section(1, {0x01, 0x60, 0x00, 0x00, 0x00})}), ErrorKind::Malformed, 14,
              "section size mismatch");
  // A section size beyond the end of the module.
  expectError(cat({kHeader, {0x01, 0x05, 0x00}}), ErrorKind::Malformed, 9, "length out of bounds");
  // Reading past the end of a section (type section too short for its parameter).
  expectError(module({section(1, {0x01, 0x60, 0x01})}), ErrorKind::Malformed, 12,
              "unexpected end of section or function");
}

TEST(Decoder, UnknownSectionIds) {
  expectError(module({section(14, {})}), ErrorKind::Malformed, 8, "malformed section id");
  expectError(module({section(0x7F, {})}), ErrorKind::Malformed, 8, "malformed section id");
  // The tag section of exception handling is named as an unsupported feature.
  expectError(module({section(13, {0x00})}), ErrorKind::Unsupported, 8, "exception-handling");
}

Bytes importWithName(const Bytes& nameBytes) {
  return module(
      {kVoidType,
       section(2, vec({cat({str("m"), u32(nameBytes.size()), nameBytes, {0x00, 0x00}})}))});
}

TEST(Decoder, Utf8Names) {
  // Well-formed: ASCII, 2-, 3- and 4-byte sequences, U+10FFFF.
  for (const Bytes& ok : std::vector<Bytes>{{'a'},
                                            {0xC3, 0xBC},
                                            {0xE2, 0x82, 0xAC},
                                            {0xF0, 0x9F, 0x98, 0x80},
                                            {0xF4, 0x8F, 0xBF, 0xBF},
                                            {0xEF, 0xBF, 0xBF}}) {
    auto r = decode(importWithName(ok));
    EXPECT_TRUE(r.ok()) << r.error().describe();
  }
  // The field name's bytes start at 14 (after the type section) + 2 (import section
  // header) + 3 (count, "m") + 1 (length) = 20.
  const std::vector<Bytes> bad = {
      {0xC0, 0x80},              // overlong NUL
      {0xE0, 0x80, 0xAF},        // overlong '/'
      {0xF0, 0x80, 0x80, 0xAF},  // overlong, 4 bytes
      {0xED, 0xA0, 0x80},        // surrogate U+D800
      {0xED, 0xBF, 0xBF},        // surrogate U+DFFF
      {0xF4, 0x90, 0x80, 0x80},  // U+110000
      {0xF5, 0x80, 0x80, 0x80},  // lead byte beyond U+10FFFF
      {0xE2, 0x82},              // truncated sequence
      {0x80},                    // stray continuation byte
      {'a', 0xC3},               // truncated at the end
      {0xFF},                    // never valid
  };
  for (const Bytes& b : bad) {
    SCOPED_TRACE(testing::PrintToString(b));
    expectError(importWithName(b), ErrorKind::Malformed, 20, "malformed UTF-8 encoding");
  }
  // The module name of the import, and export names, are checked the same way.
  expectError(module({section(2, vec({cat({str("\xC0\x80"), str("f"), {0x00, 0x00}})}))}),
              ErrorKind::Malformed, 12, "malformed UTF-8 encoding");
  expectError(module({section(7, vec({cat({str("\xED\xA0\x80"), {0x00, 0x00}})}))}),
              ErrorKind::Malformed, 12, "malformed UTF-8 encoding");
  // A custom section's name must be UTF-8 too (its payload need not).
  expectError(module({section(0, cat({str("\xF8"), {0xFF}}))}), ErrorKind::Malformed, 11,
              "malformed UTF-8 encoding");
}

// --- unsupported features --------------------------------------------------------------
TEST(Decoder, SimdValueTypeIsUnsupported) {
  // (func (param v128)): the v128 byte is at 8 + 2 (section header) + 1 (count) + 1 (0x60) + 1.
  expectError(module({section(1, vec({{0x60, 0x01, 0x7B, 0x00}}))}), ErrorKind::Unsupported, 13,
              "simd");
  // A v128 global, and a v128.const initializer.
  expectError(module({section(6, vec({{0x7B, 0x00, 0xFD, 0x0C}}))}), ErrorKind::Unsupported, 11,
              "simd");
  expectError(module({section(6, vec({{0x7F, 0x00, 0xFD, 0x0C, 0x0B}}))}), ErrorKind::Unsupported,
              13, "simd");
  // A v128 local.
  Bytes code = section(10, vec({body({0x01, 0x01, 0x7B}, {0x0B})}));
  expectError(module({kVoidType, section(3, {0x01, 0x00}), code}), ErrorKind::Unsupported, 24,
              "simd");
}

TEST(Decoder, SimdOpcodeIsUnsupported) {
  // 0xFD in a function body is found by the validator, with its offset.
  Bytes code = section(10, vec({body({0x00}, {0xFD, 0x0C, 0x0B})}));
  auto r = decode(module({kVoidType, section(3, {0x01, 0x00}), code}));
  ASSERT_TRUE(r.ok()) << r.error().describe();
  Status s = validateAll(**r);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::Unsupported);
  EXPECT_EQ(s.error().offset, 23u);
  EXPECT_NE(s.error().message.find("simd"), std::string::npos) << s.error().describe();
}

TEST(Decoder, OtherUnsupportedFeatures) {
  // Shared memory (threads) and 64-bit memory.
  expectError(module({section(5, vec({{0x03, 0x01, 0x02}}))}), ErrorKind::Unsupported, 11,
              "threads");
  expectError(module({section(5, vec({{0x04, 0x01}}))}), ErrorKind::Unsupported, 11, "memory64");
  // Limits flags that belong to no proposal are malformed.
  expectError(module({section(5, vec({{0x02, 0x01}}))}), ErrorKind::Malformed, 11,
              "integer too large");
  expectError(module({section(4, vec({{0x70, 0x08, 0x00}}))}), ErrorKind::Malformed, 12,
              "integer too large");
  // A tail call in a body.
  Bytes code = section(10, vec({body({0x00}, {0x12, 0x00, 0x0B})}));
  auto r = decode(module({kVoidType, section(3, {0x01, 0x00}), code}));
  ASSERT_TRUE(r.ok());
  Status s = validateAll(**r);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::Unsupported);
  EXPECT_NE(s.error().message.find("tail-call"), std::string::npos);
}

// --- module structure ------------------------------------------------------------------
TEST(Decoder, ImportsExportsAndIndexSpaces) {
  Bytes types = section(1, vec({{0x60, 0x01, 0x7F, 0x01, 0x7E}, {0x60, 0x00, 0x00}}));
  Bytes imports = section(2, vec({cat({str("env"), str("f"), {0x00, 0x00}}),
                                  cat({str("env"), str("t"), {0x01, 0x6F, 0x01, 0x02, 0x09}}),
                                  cat({str("env"), str("m"), {0x02, 0x00, 0x01}}),
                                  cat({str("env"), str("g"), {0x03, 0x7D, 0x01}})}));
  Bytes funcs = section(3, {0x01, 0x01});
  Bytes globals = section(6, vec({{0x7E, 0x00, 0x42, 0x7F, 0x0B}}));
  Bytes exports = section(7, vec({cat({str("run"), {0x00, 0x01}}), cat({str("g"), {0x03, 0x01}})}));
  Bytes start = section(8, {0x01});
  Bytes code = section(10, vec({body({0x00}, {0x0B})}));
  auto r = decode(module({types, imports, funcs, globals, exports, start, code}));
  ASSERT_TRUE(r.ok()) << r.error().describe();
  const ModuleInfo& m = **r;
  ASSERT_EQ(m.types.size(), 2u);
  EXPECT_EQ(m.types[0].toString(), "(i32) -> i64");
  ASSERT_EQ(m.imports.size(), 4u);
  EXPECT_EQ(m.imports[1].table.elem, ValType::ExternRef);
  EXPECT_EQ(m.imports[1].table.limits.min, 2u);
  EXPECT_EQ(m.imports[1].table.limits.max, 9u);
  EXPECT_TRUE(m.imports[3].global.mut);
  EXPECT_EQ(m.numImportedFuncs, 1u);
  EXPECT_EQ(m.numImportedTables, 1u);
  EXPECT_EQ(m.numImportedMemories, 1u);
  EXPECT_EQ(m.numImportedGlobals, 1u);
  EXPECT_EQ(m.funcs, (std::vector<uint32_t>{0, 1}));
  ASSERT_EQ(m.globals.size(), 2u);
  EXPECT_EQ(m.globals[1].init.kind, ConstExpr::Kind::I64);
  EXPECT_EQ(m.globals[1].init.bits, ~uint64_t(0));
  EXPECT_EQ(m.exports[0].name, "run");
  EXPECT_EQ(m.exports[1].kind, ExternKind::Global);
  EXPECT_TRUE(m.hasStart);
  EXPECT_EQ(m.start, 1u);
  ASSERT_EQ(m.bodies.size(), 1u);
  // Exported functions are declared references.
  EXPECT_EQ(m.declaredFuncRefs, (std::vector<bool>{false, true}));
  EXPECT_TRUE(validateAll(m).ok());
}

TEST(Decoder, MalformedKindsAndMutability) {
  expectError(module({section(2, vec({cat({str("a"), str("b"), {0x04, 0x00}})}))}),
              ErrorKind::Malformed, 15, "malformed import kind");
  expectError(module({section(7, vec({cat({str("a"), {0x05, 0x00}})}))}), ErrorKind::Malformed, 13,
              "malformed export kind");
  expectError(module({section(6, vec({{0x7F, 0x02, 0x41, 0x00, 0x0B}}))}), ErrorKind::Malformed, 12,
              "malformed mutability");
  expectError(module({section(4, vec({{0x7F, 0x00, 0x00}}))}), ErrorKind::Malformed, 11,
              "malformed reference type");
}

TEST(Decoder, ElementSegmentEncodings) {
  Bytes types = kVoidType;
  Bytes funcs = section(3, {0x02, 0x00, 0x00});
  Bytes tables = section(4, vec({{0x70, 0x00, 0x04}, {0x6F, 0x00, 0x04}}));
  const Bytes i32c0 = {0x41, 0x00, 0x0B};
  Bytes elems = section(
      9,
      vec({
          cat({{0x00}, i32c0, vec({{0x00}, {0x01}})}),        // 0: active, table 0, funcs
          cat({{0x01, 0x00}, vec({{0x01}})}),                 // 1: passive, elemkind
          cat({{0x02, 0x00}, i32c0, {0x00}, vec({{0x00}})}),  // 2: active, table x
          cat({{0x03, 0x00}, vec({{0x01}})}),                 // 3: declarative
          cat({{0x04}, i32c0, vec({{0xD2, 0x00, 0x0B}, {0xD0, 0x70, 0x0B}})}),  // 4: active, exprs
          cat({{0x05, 0x6F}, vec({{0xD0, 0x6F, 0x0B}})}),                       // 5: passive, exprs
          cat({{0x06, 0x01}, i32c0, {0x6F}, vec({{0xD0, 0x6F, 0x0B}})}),  // 6: active, table x,
                                                                          // exprs
          cat({{0x07, 0x70}, vec({{0xD2, 0x01, 0x0B}})}),                 // 7: declarative, exprs
      }));
  Bytes code = section(10, vec({body({0x00}, {0x0B}), body({0x00}, {0x0B})}));
  auto r = decode(module({types, funcs, tables, elems, code}));
  ASSERT_TRUE(r.ok()) << r.error().describe();
  const ModuleInfo& m = **r;
  ASSERT_EQ(m.elems.size(), 8u);
  const SegmentMode modes[8] = {
      SegmentMode::Active, SegmentMode::Passive, SegmentMode::Active, SegmentMode::Declarative,
      SegmentMode::Active, SegmentMode::Passive, SegmentMode::Active, SegmentMode::Declarative};
  const ValType types8[8] = {ValType::FuncRef,   ValType::FuncRef, ValType::FuncRef,
                             ValType::FuncRef,   ValType::FuncRef, ValType::ExternRef,
                             ValType::ExternRef, ValType::FuncRef};
  for (int i = 0; i < 8; i++) {
    SCOPED_TRACE(i);
    EXPECT_EQ(m.elems[i].mode, modes[i]);
    EXPECT_EQ(m.elems[i].type, types8[i]);
  }
  EXPECT_EQ(m.elems[0].items.size(), 2u);
  EXPECT_EQ(m.elems[0].items[1].kind, ConstExpr::Kind::RefFunc);
  EXPECT_EQ(m.elems[0].items[1].index, 1u);
  EXPECT_EQ(m.elems[4].items[1].kind, ConstExpr::Kind::RefNull);
  EXPECT_EQ(m.elems[6].table, 1u);
  EXPECT_EQ(m.elems[0].offset.kind, ConstExpr::Kind::I32);
  EXPECT_EQ(m.declaredFuncRefs, (std::vector<bool>{true, true}));
  EXPECT_TRUE(validateAll(m).ok());
  // Flags above 7 and an elemkind other than 0 are malformed.
  expectError(module({section(9, vec({{0x08}}))}), ErrorKind::Malformed, 11,
              "malformed elements segment kind");
  expectError(module({section(9, vec({{0x01, 0x01, 0x00}}))}), ErrorKind::Malformed, 12,
              "malformed elements segment kind");
}

TEST(Decoder, DataSegmentsAndDataCount) {
  Bytes mem = section(5, vec({{0x00, 0x01}}));
  Bytes datas =
      section(11, vec({cat({{0x00, 0x41, 0x08, 0x0B}, str("abc")}), cat({{0x01}, str("xy")}),
                       cat({{0x02, 0x00, 0x41, 0x00, 0x0B}, str("")})}));
  auto r = decode(module({mem, section(12, {0x03}), datas}));
  ASSERT_TRUE(r.ok()) << r.error().describe();
  const ModuleInfo& m = **r;
  ASSERT_EQ(m.datas.size(), 3u);
  EXPECT_EQ(m.datas[0].mode, SegmentMode::Active);
  EXPECT_EQ(m.datas[0].offset.bits, 8u);
  EXPECT_EQ(m.datas[0].size, 3u);
  EXPECT_EQ(m.bytes[m.datas[0].dataOffset], 'a');
  EXPECT_EQ(m.datas[1].mode, SegmentMode::Passive);
  EXPECT_EQ(m.datas[2].size, 0u);
  EXPECT_TRUE(m.hasDataCount);
  EXPECT_EQ(m.dataCount, 3u);
  EXPECT_TRUE(validateAll(m).ok());
  // Count and section disagree, or the data section is missing.
  expectError(module({mem, section(12, {0x02}), datas}), ErrorKind::Malformed, 18,
              "data count and data section have inconsistent lengths");
  expectError(module({mem, section(12, {0x01})}), ErrorKind::Malformed, 16,
              "data count and data section have inconsistent lengths");
  // A data segment longer than its section.
  expectError(module({mem, section(11, vec({cat({{0x01}, {0x05, 'a'}})}))}), ErrorKind::Malformed,
              17, "unexpected end");
  expectError(module({section(11, vec({{0x03}}))}), ErrorKind::Malformed, 11,
              "malformed data segment kind");
}

TEST(Decoder, CodeSection) {
  Bytes types = section(1, vec({{0x60, 0x01, 0x7F, 0x00}}));
  Bytes funcs = section(3, {0x02, 0x00, 0x00});
  // Body 0: locals 2 x i64, 1 x f32.
  Bytes code =
      section(10, vec({body({0x02, 0x02, 0x7E, 0x01, 0x7D}, {0x01, 0x0B}), body({0x00}, {0x0B})}));
  auto r = decode(module({types, funcs, code}));
  ASSERT_TRUE(r.ok()) << r.error().describe();
  const ModuleInfo& m = **r;
  ASSERT_EQ(m.bodies.size(), 2u);
  const FuncBody& b = m.bodies[0];
  EXPECT_EQ(b.numLocals, 3u);
  ASSERT_EQ(b.locals.size(), 2u);
  EXPECT_EQ(b.locals[0].count, 2u);
  EXPECT_EQ(b.locals[0].type, ValType::I64);
  EXPECT_EQ(b.locals[1].type, ValType::F32);
  EXPECT_EQ(b.offset, 24u);  // after the code section header, count and body size
  EXPECT_EQ(b.size, 7u);
  EXPECT_EQ(b.codeOffset, 29u);
  EXPECT_EQ(m.bytes[b.codeOffset], 0x01);
  EXPECT_EQ(m.codeSectionSize, 12u);
  EXPECT_TRUE(validateAll(m).ok());
}

TEST(Decoder, TooManyLocals) {
  Bytes funcs = section(3, {0x01, 0x00});
  // 50001 locals in one run (past the implementation limit), more than 2^32-1 in two runs
  // (malformed, which takes priority), and two runs that only together exceed the limit.
  // The code section starts at 18; the first run's count is at 23.
  Bytes one = section(
      10, vec({body(cat({{0x01}, u32(limits::kMaxFunctionLocals + 1), {0x7F}}), {0x0B})}));
  expectError(module({kVoidType, funcs, one}), ErrorKind::Limit, 23, "more than 50000 locals");
  Bytes huge =
      section(10, vec({body(cat({{0x02}, u32(0xFFFFFFFF), {0x7F}, u32(2), {0x7E}}), {0x0B})}));
  expectError(module({kVoidType, funcs, huge}), ErrorKind::Malformed, 29, "too many locals");
  Bytes sum =
      section(10, vec({body(cat({{0x02}, u32(30000), {0x7F}, u32(30000), {0x7E}}), {0x0B})}));
  expectError(module({kVoidType, funcs, sum}), ErrorKind::Limit, 27, "more than 50000 locals");
}

TEST(Decoder, FunctionAndCodeCounts) {
  expectError(module({kVoidType, section(3, {0x01, 0x00})}), ErrorKind::Malformed, 18,
              "function and code section have inconsistent lengths");
  expectError(module({kVoidType, section(10, vec({body({0x00}, {0x0B})}))}), ErrorKind::Malformed,
              16, "function and code section have inconsistent lengths");
}

TEST(Decoder, ConstantExpressions) {
  // (global f64 (f64.const 1.5)), (global funcref (ref.null func)), (global i32 (global.get 0)).
  Bytes imports = section(2, vec({cat({str("m"), str("g"), {0x03, 0x7F, 0x00}})}));
  Bytes globals = section(6, vec({{0x7C, 0x00, 0x44, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0x0B},
                                  {0x70, 0x00, 0xD0, 0x70, 0x0B},
                                  {0x7F, 0x01, 0x23, 0x00, 0x0B}}));
  auto r = decode(module({imports, globals}));
  ASSERT_TRUE(r.ok()) << r.error().describe();
  const ModuleInfo& m = **r;
  EXPECT_EQ(m.globals[1].init.kind, ConstExpr::Kind::F64);
  EXPECT_EQ(m.globals[1].init.bits, 0x3FF8000000000000u);
  EXPECT_EQ(m.globals[2].init.kind, ConstExpr::Kind::RefNull);
  EXPECT_EQ(m.globals[2].init.type, ValType::FuncRef);
  EXPECT_EQ(m.globals[3].init.kind, ConstExpr::Kind::GlobalGet);
  EXPECT_TRUE(validateAll(m).ok());

  // The expression of a lone global starts at 13. A non-constant instruction is a
  // validation error ...
  expectError(module({section(6, vec({{0x7F, 0x00, 0x41, 0x01, 0x41, 0x02, 0x6A, 0x0B}}))}),
              ErrorKind::Invalid, 17, "constant expression required");
  // ... as are two values and none.
  expectError(module({section(6, vec({{0x7F, 0x00, 0x41, 0x01, 0x41, 0x02, 0x0B}}))}),
              ErrorKind::Invalid, 13, "type mismatch");
  expectError(module({section(6, vec({{0x7F, 0x00, 0x0B}}))}), ErrorKind::Invalid, 13,
              "type mismatch");
  // ... but bytes that are no instruction, or a missing end, are malformed.
  expectError(module({section(6, vec({{0x7F, 0x00, 0xF3, 0x0B}}))}), ErrorKind::Malformed, 13,
              "illegal opcode");
  expectError(module({section(6, vec({{0x7F, 0x00, 0x41, 0x01}}))}), ErrorKind::Malformed, 15,
              "unexpected end");
  // A malformed section after the non-constant expression takes priority.
  expectError(module({section(6, vec({{0x7F, 0x00, 0x01, 0x0B}})), section(7, {0x01})}),
              ErrorKind::Malformed, 17, "unexpected end");
}

// A run of no locals declares nothing and is not kept (a module of such runs, 2 bytes
// each, made the decoder hold 8-16 bytes for each).
TEST(Decoder, EmptyLocalRunsAreNotKept) {
  Bytes funcs = section(3, {0x01, 0x00});
  Bytes code = section(10, vec({body({0x03, 0x00, 0x7F, 0x02, 0x7E, 0x00, 0x7D}, {0x0B})}));
  auto r = decode(module({kVoidType, funcs, code}));
  ASSERT_TRUE(r.ok()) << r.error().describe();
  const FuncBody& b = r.value()->bodies[0];
  ASSERT_EQ(b.locals.size(), 1u);
  EXPECT_EQ(b.locals[0].count, 2u);
  EXPECT_EQ(b.locals[0].type, ValType::I64);
  EXPECT_EQ(b.numLocals, 2u);
}

TEST(Decoder, NameSection) {
  Bytes funcs = section(3, {0x03, 0x00, 0x00, 0x00});
  Bytes code = section(10, vec({body({0x00}, {0x0B}), body({0x00}, {0x0B}), body({0x00}, {0x0B})}));
  Bytes moduleName = cat({{0x00}, u32(4), str("mod")});
  // Unsorted, and a later duplicate that loses to the first name given.
  Bytes nameMap = vec({cat({{0x02}, str("two")}), cat({{0x00}, str("zero")}), cat({{0x02}, str("deux")})});
  Bytes funcNames = cat({{0x01}, u32(uint32_t(nameMap.size())), nameMap});
  Bytes names = section(0, cat({str("name"), moduleName, funcNames}));
  auto r = decode(module({kVoidType, funcs, code, names}));
  ASSERT_TRUE(r.ok()) << r.error().describe();
  const ModuleInfo& m = **r;
  EXPECT_EQ(m.moduleName, "mod");
  ASSERT_EQ(m.funcNames.size(), 2u);
  EXPECT_EQ(m.funcNames[0].index, 0u);  // sorted by index
  EXPECT_EQ(m.funcName(0), "zero");
  EXPECT_EQ(m.funcName(1).data(), nullptr);
  EXPECT_EQ(m.funcName(2), "two");
  ASSERT_EQ(m.customs.size(), 1u);
  EXPECT_EQ(m.customs[0].name, "name");

  // A malformed name section is ignored, the module still decodes.
  Bytes broken = section(0, cat({str("name"), {0x01, 0x10, 0x05}}));
  auto r2 = decode(module({kVoidType, funcs, code, broken}));
  ASSERT_TRUE(r2.ok()) << r2.error().describe();
  EXPECT_TRUE(r2.value()->funcNames.empty());
  // So are function names that are not UTF-8.
  Bytes badUtf8 = section(0, cat({str("name"), {0x01, 0x04, 0x01, 0x00, 0x01, 0xC0}}));
  auto r3 = decode(module({kVoidType, funcs, code, badUtf8}));
  ASSERT_TRUE(r3.ok()) << r3.error().describe();
  EXPECT_TRUE(r3.value()->funcNames.empty());
}

}  // namespace
}  // namespace wasm
