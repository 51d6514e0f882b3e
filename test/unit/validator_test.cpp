// Unit tests of the validator (engine/validator): module-level rules, the function-body
// type checker, error kinds and offsets, and the FuncAnalysis it fills in.
#include "validator/validator.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "decoder/decoder.h"

#include "module_bytes.h"

namespace wasm {
namespace {

using namespace wasm::test;  // the module assembler (module_bytes.h)

constexpr uint8_t I32 = 0x7F, I64 = 0x7E, F32 = 0x7D, FUNCREF = 0x70, EXTERNREF = 0x6F;
Bytes funcType(const Bytes& params, const Bytes& results) {
  return cat({{0x60}, u32(params.size()), params, u32(results.size()), results});
}

struct Func {
  uint32_t type = 0;
  Bytes locals = {0x00};  // the locals vector
  Bytes code;             // instructions, normally ending with 0x0B
};

// A module spec: every section payload is optional (empty = absent), in binary order.
struct Spec {
  std::vector<Bytes> types = {funcType({}, {})};
  Bytes imports, tables, memories, globals, exports, start, elems, dataCount, datas;
  std::vector<Func> funcs;

  Bytes build() const {
    Bytes out = kHeader;
    auto add = [&](uint8_t id, const Bytes& payload) {
      if (payload.empty()) return;
      Bytes s = section(id, payload);
      out.insert(out.end(), s.begin(), s.end());
    };
    add(1, vec(types));
    add(2, imports);
    std::vector<Bytes> decls, bodies;
    for (const Func& f : funcs) {
      decls.push_back(u32(f.type));
      Bytes b = cat({f.locals, f.code});
      bodies.push_back(cat({u32(b.size()), b}));
    }
    if (!funcs.empty()) add(3, vec(decls));
    add(4, tables);
    add(5, memories);
    add(6, globals);
    add(7, exports);
    add(8, start);
    add(9, elems);
    add(12, dataCount);
    if (!funcs.empty()) add(10, vec(bodies));
    add(11, datas);
    return out;
  }
};

std::unique_ptr<ModuleInfo> decodeOk(const Spec& spec) {
  Bytes b = spec.build();
  auto r = decodeModule(b.data(), b.size());
  EXPECT_TRUE(r.ok()) << r.error().describe();
  if (!r.ok()) return nullptr;
  return r.take();
}

void expectValid(const Spec& spec) {
  auto m = decodeOk(spec);
  ASSERT_TRUE(m);
  Status s = validateAll(*m);
  EXPECT_TRUE(s.ok()) << s.error().describe();
}

// Expects validateAll to fail with `kind` and `text`. `codePos` >= 0: the error is at that
// byte of function `func`'s code; otherwise at absolute offset `absOffset`.
void expectError(const Spec& spec, ErrorKind kind, const std::string& text, int codePos,
                 uint32_t func = 0, uint64_t absOffset = 0) {
  auto m = decodeOk(spec);
  ASSERT_TRUE(m);
  Status s = validateAll(*m);
  ASSERT_FALSE(s.ok()) << "validated an invalid module";
  EXPECT_EQ(errorKindName(s.error().kind), std::string(errorKindName(kind)))
      << s.error().describe();
  uint64_t want = codePos >= 0 ? m->bodies[func].codeOffset + uint64_t(codePos) : absOffset;
  EXPECT_EQ(s.error().offset, want) << s.error().describe();
  EXPECT_NE(s.error().message.find(text), std::string::npos) << s.error().describe();
}

Spec oneFunc(const Bytes& type, const Bytes& code, const Bytes& locals = {0x00}) {
  Spec s;
  s.types = {type};
  s.funcs = {Func{0, locals, code}};
  return s;
}

const Bytes kMemory1 = vec({{0x00, 0x01}});

// --- function bodies -------------------------------------------------------------------
TEST(Validator, MinimalFunctions) {
  expectValid(oneFunc(funcType({}, {}), {0x0B}));
  expectValid(oneFunc(funcType({I32, I32}, {I32}), {0x20, 0x00, 0x20, 0x01, 0x6A, 0x0B}));
  // Multiple results.
  expectValid(oneFunc(funcType({}, {I32, I64}), {0x41, 0x01, 0x42, 0x02, 0x0B}));
}

TEST(Validator, TypeMismatch) {
  // i32.add over two i64 operands, at code offset 4.
  expectError(oneFunc(funcType({}, {I32}), {0x42, 0x01, 0x42, 0x02, 0x6A, 0x0B}),
              ErrorKind::Invalid, "type mismatch", 4);
  // A missing result at the function's end.
  expectError(oneFunc(funcType({}, {I32}), {0x0B}), ErrorKind::Invalid, "type mismatch", 0);
  // A value left over.
  expectError(oneFunc(funcType({}, {}), {0x41, 0x00, 0x0B}), ErrorKind::Invalid, "type mismatch",
              2);
  // if without else must produce its results from its parameters.
  expectError(oneFunc(funcType({}, {I32}), {0x41, 0x01, 0x04, I32, 0x41, 0x02, 0x0B, 0x0B}),
              ErrorKind::Invalid, "type mismatch", 6);
  // Untyped select only on numeric types.
  expectError(
      oneFunc(funcType({}, {}), {0xD0, FUNCREF, 0xD0, FUNCREF, 0x41, 0x01, 0x1B, 0x1A, 0x0B}),
      ErrorKind::Invalid, "type mismatch", 6);
  // br_table targets of different arities.
  expectError(oneFunc(funcType({}, {}), {0x02, I32, 0x02, 0x40, 0x41, 0x00, 0x41, 0x00, 0x0E, 0x01,
                                         0x00, 0x01, 0x0B, 0x0B, 0x1A, 0x0B}),
              ErrorKind::Invalid, "type mismatch", 8);
}

TEST(Validator, UnknownIndices) {
  // local.get 5 in a function with one parameter: the error is at the index (offset 1).
  expectError(oneFunc(funcType({I32}, {}), {0x20, 0x05, 0x1A, 0x0B}), ErrorKind::Invalid,
              "unknown local", 1);
  // br 2 inside one block.
  expectError(oneFunc(funcType({}, {}), {0x02, 0x40, 0x0C, 0x02, 0x0B, 0x0B}), ErrorKind::Invalid,
              "unknown label", 2);
  expectError(oneFunc(funcType({}, {}), {0x10, 0x07, 0x0B}), ErrorKind::Invalid, "unknown function",
              1);
  expectError(oneFunc(funcType({}, {}), {0x23, 0x00, 0x1A, 0x0B}), ErrorKind::Invalid,
              "unknown global", 1);
  expectError(oneFunc(funcType({}, {}), {0x41, 0x00, 0x25, 0x00, 0x1A, 0x0B}), ErrorKind::Invalid,
              "unknown table", 3);
  expectError(oneFunc(funcType({}, {}), {0x02, 0x05, 0x0B, 0x0B}), ErrorKind::Invalid,
              "unknown type", 1);
}

TEST(Validator, ImmutableGlobal) {
  Spec s = oneFunc(funcType({}, {}), {0x41, 0x01, 0x24, 0x00, 0x0B});
  s.globals = vec({{I32, 0x00, 0x41, 0x00, 0x0B}});
  expectError(s, ErrorKind::Invalid, "global is immutable", 3);
  s.globals = vec({{I32, 0x01, 0x41, 0x00, 0x0B}});
  expectValid(s);
}

TEST(Validator, UndeclaredFunctionReference) {
  Spec s = oneFunc(funcType({}, {}), {0xD2, 0x00, 0x1A, 0x0B});
  expectError(s, ErrorKind::Invalid, "undeclared function reference", 1);
  // Declared by a declarative element segment, or by an export.
  s.elems = vec({{0x03, 0x00, 0x01, 0x00}});
  expectValid(s);
  s.elems.clear();
  s.exports = vec({cat({str("f"), {0x00, 0x00}})});
  expectValid(s);
}

TEST(Validator, MemoryAccess) {
  // i32.load with alignment 2^3 > 4 bytes: the error is at the alignment field (offset 3).
  Spec s = oneFunc(funcType({}, {}), {0x41, 0x00, 0x28, 0x03, 0x00, 0x1A, 0x0B});
  s.memories = kMemory1;
  expectError(s, ErrorKind::Invalid, "alignment must not be larger than natural", 3);
  s.funcs[0].code = {0x41, 0x00, 0x28, 0x02, 0x00, 0x1A, 0x0B};
  expectValid(s);
  // i64.store8 with alignment 1 (2 bytes > 1).
  s.funcs[0].code = {0x41, 0x00, 0x42, 0x00, 0x3C, 0x01, 0x00, 0x0B};
  expectError(s, ErrorKind::Invalid, "alignment must not be larger than natural", 5);
  // Without a memory.
  s.memories.clear();
  s.funcs[0].code = {0x41, 0x00, 0x28, 0x02, 0x00, 0x1A, 0x0B};
  expectError(s, ErrorKind::Invalid, "unknown memory 0", 2);
  // memory.grow's reserved byte must be zero (a decoding error).
  s.memories = kMemory1;
  s.funcs[0].code = {0x41, 0x00, 0x40, 0x01, 0x1A, 0x0B};
  expectError(s, ErrorKind::Malformed, "zero byte expected", 3);
}

TEST(Validator, DataCountRequired) {
  // memory.init 0 with a data section but no data count section: malformed.
  Spec s =
      oneFunc(funcType({}, {}), {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x08, 0x00, 0x00, 0x0B});
  s.memories = kMemory1;
  s.datas = vec({cat({{0x01}, str("ab")})});
  expectError(s, ErrorKind::Malformed, "data count section required", 6);
  s.funcs[0].code = {0xFC, 0x09, 0x00, 0x0B};
  expectError(s, ErrorKind::Malformed, "data count section required", 0);
  s.dataCount = {0x01};
  expectValid(s);
  s.funcs[0].code = {0xFC, 0x09, 0x01, 0x0B};
  expectError(s, ErrorKind::Invalid, "unknown data segment 1", 2);
}

TEST(Validator, BodyStructure) {
  // No final end.
  expectError(oneFunc(funcType({}, {}), {0x01}), ErrorKind::Malformed, "unexpected end", 1);
  // Bytes after the final end.
  expectError(oneFunc(funcType({}, {}), {0x0B, 0x01}), ErrorKind::Malformed,
              "section size mismatch", 1);
  // else outside an if.
  expectError(oneFunc(funcType({}, {}), {0x02, 0x40, 0x05, 0x0B, 0x0B}), ErrorKind::Malformed,
              "END opcode expected", 2);
  // An opcode that does not exist.
  expectError(oneFunc(funcType({}, {}), {0x01, 0xF3, 0x0B}), ErrorKind::Malformed, "illegal opcode",
              1);
  expectError(oneFunc(funcType({}, {}), {0xFC, 0x20, 0x0B}), ErrorKind::Malformed, "illegal opcode",
              0);
  // Truncated immediates.
  expectError(oneFunc(funcType({}, {}), {0x41, 0x80}), ErrorKind::Malformed, "unexpected end", 1);
}

TEST(Validator, MalformedBodyBeatsValidationError) {
  // Function 0 has a type error, function 1 an illegal opcode: as in the spec, where the
  // whole module is decoded first, the module is malformed.
  Spec s;
  s.funcs = {Func{0, {0x00}, {0x6A, 0x0B}}, Func{0, {0x00}, {0xF3, 0x0B}}};
  expectError(s, ErrorKind::Malformed, "illegal opcode", 0, 1);
  // The same with a module-level error (a bad start function).
  s.funcs[0].code = {0x0B};
  s.start = {0x05};
  expectError(s, ErrorKind::Malformed, "illegal opcode", 0, 1);
  // And later in the same function.
  expectError(oneFunc(funcType({}, {}), {0x6A, 0x01, 0xF3, 0x0B}), ErrorKind::Malformed,
              "illegal opcode", 2);
}

TEST(Validator, UnreachableCodeIsPolymorphic) {
  // Operands popped in unreachable code have the unknown type.
  expectValid(oneFunc(funcType({}, {I32}), {0x00, 0x6A, 0x0B}));
  expectValid(oneFunc(funcType({}, {}), {0x00, 0x1B, 0x1A, 0x0B}));
  expectValid(oneFunc(funcType({}, {F32}),
                      {0x02, 0x40, 0x0C, 0x00, 0x6A, 0x1A, 0x0B, 0x43, 0, 0, 0, 0, 0x0B}));
  // br_table to labels of the same arity but different types, after unreachable.
  expectValid(oneFunc(funcType({}, {}), {0x02, I32, 0x02, F32, 0x00, 0x0E, 0x01, 0x00, 0x01, 0x0B,
                                         0x1A, 0x41, 0x00, 0x0B, 0x1A, 0x0B}));
  // ... but not when the operand is a known value.
  expectError(oneFunc(funcType({}, {}), {0x02, I32, 0x02, F32, 0x41, 0x00, 0x41, 0x00, 0x0E, 0x01,
                                         0x00, 0x01, 0x0B, 0x1A, 0x41, 0x00, 0x0B, 0x1A, 0x0B}),
              ErrorKind::Invalid, "type mismatch", 8);
  // Still a type error: a known value of the wrong type.
  expectError(oneFunc(funcType({}, {I32}), {0x00, 0x42, 0x00, 0x0B}), ErrorKind::Invalid,
              "type mismatch", 3);
}

TEST(Validator, SelectAndReferences) {
  // select (result funcref) over two null funcrefs.
  expectValid(oneFunc(funcType({}, {FUNCREF}),
                      {0xD0, FUNCREF, 0xD0, FUNCREF, 0x41, 0x01, 0x1C, 0x01, FUNCREF, 0x0B}));
  expectError(oneFunc(funcType({}, {}),
                      {0x41, 0x01, 0x41, 0x01, 0x41, 0x01, 0x1C, 0x02, I32, I32, 0x1A, 0x0B}),
              ErrorKind::Invalid, "invalid result arity", 7);
  expectValid(oneFunc(funcType({}, {I32}), {0xD0, EXTERNREF, 0xD1, 0x0B}));
  expectError(oneFunc(funcType({}, {I32}), {0x41, 0x00, 0xD1, 0x0B}), ErrorKind::Invalid,
              "type mismatch", 2);
  expectError(oneFunc(funcType({}, {}), {0xD0, 0x7F, 0x1A, 0x0B}), ErrorKind::Malformed,
              "malformed reference type", 1);
}

TEST(Validator, MultiValueBlocks) {
  // block (type 1) with parameters [i32 i32] -> [i32].
  Spec s;
  s.types = {funcType({}, {}), funcType({I32, I32}, {I32})};
  s.funcs = {Func{0, {0x00}, {0x41, 0x01, 0x41, 0x02, 0x02, 0x01, 0x6A, 0x0B, 0x1A, 0x0B}}};
  expectValid(s);
  // loop (type 1): a branch to it takes the parameters.
  s.funcs[0].code = {0x41, 0x01, 0x41, 0x02, 0x03, 0x01, 0x0C, 0x00, 0x0B, 0x1A, 0x0B};
  expectValid(s);
  // if with parameters and else.
  s.funcs[0].code = {0x41, 0x01, 0x41, 0x02, 0x41, 0x00, 0x04,
                     0x01, 0x6A, 0x05, 0x6B, 0x0B, 0x1A, 0x0B};
  expectValid(s);
  // if with a parameter but no else: the parameter would be left over.
  s.types.push_back(funcType({I32}, {}));
  s.funcs[0].code = {0x41, 0x01, 0x41, 0x00, 0x04, 0x02, 0x1A, 0x0B, 0x0B};
  expectError(s, ErrorKind::Invalid, "type mismatch", 7);
  s.funcs[0].code = {0x41, 0x01, 0x41, 0x00, 0x04, 0x02, 0x1A, 0x05, 0x1A, 0x0B, 0x0B};
  expectValid(s);
  // Too few parameters on the stack.
  s.funcs[0].code = {0x41, 0x01, 0x02, 0x01, 0x6A, 0x0B, 0x1A, 0x0B};
  expectError(s, ErrorKind::Invalid, "type mismatch", 2);
}

TEST(Validator, CallIndirectAndTables) {
  Spec s = oneFunc(funcType({}, {}), {0x41, 0x00, 0x11, 0x00, 0x00, 0x0B});
  s.tables = vec({{FUNCREF, 0x00, 0x01}, {EXTERNREF, 0x00, 0x01}});
  expectValid(s);
  s.funcs[0].code = {0x41, 0x00, 0x11, 0x00, 0x01, 0x0B};
  expectError(s, ErrorKind::Invalid, "type mismatch", 2);
  s.funcs[0].code = {0x41, 0x00, 0x11, 0x00, 0x02, 0x0B};
  expectError(s, ErrorKind::Invalid, "unknown table 2", 4);
  // table.copy between tables of different element types.
  s.funcs[0].code = {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0E, 0x00, 0x01, 0x0B};
  expectError(s, ErrorKind::Invalid, "type mismatch", 6);
  // table.grow of the externref table with an externref value.
  s.funcs[0].code = {0xD0, EXTERNREF, 0x41, 0x01, 0xFC, 0x0F, 0x01, 0x1A, 0x0B};
  expectValid(s);
  s.funcs[0].code = {0xFC, 0x0D, 0x00, 0x0B};
  expectError(s, ErrorKind::Invalid, "unknown elem segment 0", 2);
}

// --- module-level rules ----------------------------------------------------------------
TEST(Validator, MultipleMemories) {
  Spec s;
  s.memories = vec({{0x00, 0x01}, {0x00, 0x01}});
  auto m = decodeOk(s);
  ASSERT_TRUE(m);
  Status st = validateModule(*m);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(st.error().message, "multiple memories");
  EXPECT_EQ(st.error().offset, m->memoryOffsets[1]);
  EXPECT_EQ(st.error().offset, 19u);  // type section 8..13, memory section header and count 14..16
  // An imported memory and a defined one.
  Spec t;
  t.imports = vec({cat({str("m"), str("mem"), {0x02, 0x00, 0x01}})});
  t.memories = kMemory1;
  // Import section 14..25, memory section header and count 26..28, the entry at 29.
  expectError(t, ErrorKind::Invalid, "multiple memories", -1, 0, 29);
}

TEST(Validator, Limits) {
  Spec s;
  s.memories = vec({{0x00, 0x81, 0x80, 0x04}});  // 65537 pages
  expectError(s, ErrorKind::Invalid, "memory size must be at most 65536 pages (4GiB)", -1, 0, 17);
  s.memories = vec({{0x01, 0x02, 0x01}});
  expectError(s, ErrorKind::Invalid, "size minimum must not be greater than maximum", -1, 0, 17);
  s.memories = vec({{0x01, 0x00, 0x80, 0x80, 0x04}});  // max exactly 65536
  expectValid(s);
  s.memories.clear();
  s.tables = vec({{FUNCREF, 0x01, 0x05, 0x04}});
  expectError(s, ErrorKind::Invalid, "size minimum must not be greater than maximum", -1, 0, 17);
}

TEST(Validator, GlobalInitializers) {
  Spec s;
  s.globals = vec({{I32, 0x00, 0x42, 0x00, 0x0B}});
  expectError(s, ErrorKind::Invalid, "type mismatch", -1, 0, 19);
  // global.get of a global defined in the module.
  s.globals = vec({{I32, 0x00, 0x41, 0x00, 0x0B}, {I32, 0x00, 0x23, 0x00, 0x0B}});
  expectError(s, ErrorKind::Invalid, "unknown global 0", -1, 0, 24);
  // global.get of an imported immutable global is fine, of a mutable one not.
  s.imports = vec({cat({str("m"), str("g"), {0x03, I32, 0x00}})});
  s.globals = vec({{I32, 0x00, 0x23, 0x00, 0x0B}});
  expectValid(s);
  s.imports = vec({cat({str("m"), str("g"), {0x03, I32, 0x01}})});
  // Import section 14..23, global section header, count, type, mutability 24..28.
  expectError(s, ErrorKind::Invalid, "constant expression required", -1, 0, 29);
  // ref.func of an unknown function.
  s.imports.clear();
  s.globals = vec({{FUNCREF, 0x00, 0xD2, 0x03, 0x0B}});
  expectError(s, ErrorKind::Invalid, "unknown function 3", -1, 0, 19);
}

TEST(Validator, Segments) {
  Spec s;
  s.funcs = {Func{0, {0x00}, {0x0B}}};
  s.tables = vec({{EXTERNREF, 0x00, 0x01}});
  // A funcref segment for an externref table.
  s.elems = vec({{0x00, 0x41, 0x00, 0x0B, 0x01, 0x00}});
  auto m = decodeOk(s);
  ASSERT_TRUE(m);
  Status st = validateAll(*m);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::Invalid);
  EXPECT_NE(st.error().message.find("type mismatch"), std::string::npos);
  EXPECT_EQ(st.error().offset, m->elems[0].byteOffset);
  // An i64 offset.
  s.tables = vec({{FUNCREF, 0x00, 0x01}});
  s.elems = vec({{0x00, 0x42, 0x00, 0x0B, 0x01, 0x00}});
  m = decodeOk(s);
  st = validateAll(*m);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().offset, m->elems[0].offset.offset);
  // A data segment without memory.
  s.elems.clear();
  s.datas = vec({cat({{0x00, 0x41, 0x00, 0x0B}, str("a")})});
  m = decodeOk(s);
  st = validateAll(*m);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("unknown memory 0"), std::string::npos);
  EXPECT_EQ(st.error().offset, m->datas[0].byteOffset);
}

TEST(Validator, StartAndExports) {
  Spec s;
  s.types = {funcType({I32}, {})};
  s.funcs = {Func{0, {0x00}, {0x0B}}};
  s.start = {0x00};
  auto m = decodeOk(s);
  Status st = validateAll(*m);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("start function"), std::string::npos);
  EXPECT_EQ(st.error().offset, m->startOffset);
  s.start.clear();
  s.exports = vec({cat({str("a"), {0x00, 0x00}}), cat({str("b"), {0x00, 0x00}}),
                   cat({str("a"), {0x00, 0x00}})});
  m = decodeOk(s);
  st = validateAll(*m);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("duplicate export name"), std::string::npos);
  EXPECT_EQ(st.error().offset, m->exports[2].byteOffset);
  s.exports = vec({cat({str("a"), {0x02, 0x00}})});
  m = decodeOk(s);
  st = validateAll(*m);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("unknown memory 0"), std::string::npos);
  // A function declared with an unknown type.
  s.exports.clear();
  s.funcs[0].type = 4;
  m = decodeOk(s);
  st = validateAll(*m);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("unknown type"), std::string::npos);
  EXPECT_EQ(st.error().offset, m->funcOffsets[0]);
}

// --- FuncAnalysis ----------------------------------------------------------------------
// (func (param i32) (local i32)
//   local.get 0  local.set 1                               ;; weight 1 each
//   loop  local.get 1  i32.const 1  i32.sub  local.tee 1  br_if 0  end   ;; weight 8
//   block loop loop loop loop  local.get 0  drop  end end end end end    ;; depth 4 cap: 4096
//   i32.const 1  i32.const 2  i32.const 3  i32.add  i32.add  drop        ;; stack height 3
//   local.get 0  call 0)                                   ;; weight 1, a call
Bytes analysisCode(const Bytes& localIndex0) {
  return cat({{0x20},
              localIndex0,
              {0x21, 0x01},
              {0x03, 0x40, 0x20, 0x01, 0x41, 0x01, 0x6B, 0x22, 0x01, 0x0D, 0x00, 0x0B},
              {0x02, 0x40, 0x03, 0x40, 0x03, 0x40, 0x03, 0x40, 0x03, 0x40},
              {0x20},
              localIndex0,
              {0x1A, 0x0B, 0x0B, 0x0B, 0x0B, 0x0B},
              {0x41, 0x01, 0x41, 0x02, 0x41, 0x03, 0x6A, 0x6A, 0x1A},
              {0x20},
              localIndex0,
              {0x10, 0x00, 0x0B}});
}

TEST(Validator, FuncAnalysis) {
  Spec s;
  s.types = {funcType({I32}, {}), funcType({}, {})};
  s.memories = kMemory1;
  s.tables = vec({{FUNCREF, 0x00, 0x01}});
  s.funcs = {Func{0, {0x01, 0x01, I32}, analysisCode({0x00})},
             // memory.grow: a runtime call but no call.
             Func{1, {0x00}, {0x41, 0x01, 0x40, 0x00, 0x1A, 0x0B}},
             // table.size and memory.size: compiled inline, not runtime calls.
             Func{1, {0x00}, {0xFC, 0x10, 0x00, 0x1A, 0x3F, 0x00, 0x1A, 0x0B}},
             // The analysis of the first function again, with over-long local indices (the
             // validator's slow path): the same results.
             Func{0, {0x01, 0x01, I32}, analysisCode({0x80, 0x80, 0x80, 0x80, 0x00})}};
  auto m = decodeOk(s);
  ASSERT_TRUE(m);
  ASSERT_TRUE(validateModule(*m).ok());

  for (uint32_t f : {0u, 3u}) {
    SCOPED_TRACE(f);
    FuncAnalysis a;
    Status st = validateFunction(*m, f, &a);
    ASSERT_TRUE(st.ok()) << st.error().describe();
    EXPECT_EQ(a.maxStackHeight, 3u);
    EXPECT_EQ(a.maxControlDepth, 6u);  // the function, block and four loops
    EXPECT_TRUE(a.hasCalls);
    EXPECT_FALSE(a.hasRuntimeCalls);
    EXPECT_EQ(a.localWeights, (std::vector<uint32_t>{1 + 4096 + 1, 1 + 8 + 8}));
    EXPECT_EQ(a.callWeight, 1u);  // one call, outside any loop
  }

  FuncAnalysis a;
  ASSERT_TRUE(validateFunction(*m, 1, &a).ok());
  EXPECT_FALSE(a.hasCalls);
  EXPECT_TRUE(a.hasRuntimeCalls);
  EXPECT_EQ(a.callWeight, 1u);
  EXPECT_EQ(a.maxStackHeight, 1u);
  EXPECT_EQ(a.maxControlDepth, 1u);
  EXPECT_TRUE(a.localWeights.empty());

  FuncAnalysis b;
  ASSERT_TRUE(validateFunction(*m, 2, &b).ok());
  EXPECT_FALSE(b.hasRuntimeCalls);
  EXPECT_FALSE(b.hasCalls);
  EXPECT_EQ(b.callWeight, 0u);

  // Without an analysis, and the whole module.
  EXPECT_TRUE(validateFunction(*m, 0, nullptr).ok());
  EXPECT_TRUE(validateAll(*m).ok());
}

TEST(Validator, DeepNestingAndLargeStacks) {
  // 10000 nested blocks and 5000 values on the stack: the buffers grow as needed.
  Bytes code;
  for (int i = 0; i < 10000; i++) code.insert(code.end(), {0x02, 0x40});
  for (int i = 0; i < 5000; i++) code.insert(code.end(), {0x41, 0x00});
  for (int i = 0; i < 5000; i++) code.push_back(0x1A);
  for (int i = 0; i < 10000; i++) code.push_back(0x0B);
  code.push_back(0x0B);
  Spec s = oneFunc(funcType({}, {}), code);
  auto m = decodeOk(s);
  ASSERT_TRUE(m);
  FuncAnalysis a;
  Status st = validateFunction(*m, 0, &a);
  ASSERT_TRUE(st.ok()) << st.error().describe();
  EXPECT_EQ(a.maxControlDepth, 10001u);
  EXPECT_EQ(a.maxStackHeight, 5000u);
}

}  // namespace
}  // namespace wasm
