// Engine zone. The decoded form of a module: everything the validator, compiler and
// runtime need, with function bodies and data kept as ranges into the module's bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wasm/types.h"

namespace wasm {

// A constant expression of WebAssembly 2.0: exactly one instruction before `end`.
struct ConstExpr {
  enum class Kind : uint8_t { I32, I64, F32, F64, RefNull, RefFunc, GlobalGet };
  Kind kind = Kind::I32;
  ValType type = ValType::I32;  // the value's type (for RefNull, the reference type)
  uint64_t bits = 0;            // constant bits
  uint32_t index = 0;           // function index (RefFunc) or global index (GlobalGet)
  uint32_t offset = 0;          // byte offset of the expression, for error messages
};

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t funcType = 0;  // kind == Func: type index
  TableType table;
  MemoryType memory;
  GlobalType global;
  uint32_t byteOffset = 0;  // of the entry, for error messages
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;
  uint32_t byteOffset = 0;  // of the entry, for error messages
};

struct GlobalDef {
  GlobalType type;
  ConstExpr init;
  uint32_t byteOffset = 0;  // of the declaration (or import), for error messages
};

enum class SegmentMode : uint8_t { Active, Passive, Declarative };

struct ElemSegment {
  SegmentMode mode = SegmentMode::Active;
  ValType type = ValType::FuncRef;
  uint32_t table = 0;
  ConstExpr offset;
  std::vector<ConstExpr> items;  // each RefFunc, RefNull or GlobalGet
  uint32_t byteOffset = 0;
};

struct DataSegment {
  SegmentMode mode = SegmentMode::Active;
  uint32_t memory = 0;
  ConstExpr offset;
  uint32_t dataOffset = 0;  // where the bytes start in the module binary
  uint32_t size = 0;
  uint32_t byteOffset = 0;
};

// A function body: locals are stored run-length encoded as declared.
struct LocalRun {
  uint32_t count;
  ValType type;
};

struct FuncBody {
  uint32_t offset = 0;        // of the body's size field's end, i.e. the locals vector
  uint32_t size = 0;          // bytes from offset
  uint32_t codeOffset = 0;    // first instruction
  uint32_t numLocals = 0;     // declared locals, excluding params
  std::vector<LocalRun> locals;
};

struct CustomSection {
  std::string name;
  uint32_t offset = 0;  // payload start (after the name)
  uint32_t size = 0;
};

// A function's name: where it lies in ModuleInfo::bytes, so a million names cost a
// million small records rather than a million allocations.
struct NameEntry {
  uint32_t index;
  uint32_t offset;
  uint32_t size;
};

struct ModuleInfo {
  std::vector<uint8_t> bytes;  // the binary, owned: bodies and data point into it

  std::vector<FuncType> types;
  std::vector<Import> imports;
  std::vector<uint32_t> funcs;  // type index of every function, imports first
  std::vector<TableType> tables;  // imports first
  std::vector<MemoryType> memories;  // imports first
  std::vector<GlobalDef> globals;  // imports first (init unused for imports)
  std::vector<Export> exports;
  bool hasStart = false;
  uint32_t start = 0;
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  bool hasDataCount = false;
  uint32_t dataCount = 0;
  std::vector<FuncBody> bodies;  // one per defined function
  std::vector<CustomSection> customs;
  std::string moduleName;            // from the name section, if any
  std::vector<NameEntry> funcNames;  // from the name section, sorted by index

  uint32_t numImportedFuncs = 0;
  uint32_t numImportedTables = 0;
  uint32_t numImportedMemories = 0;
  uint32_t numImportedGlobals = 0;
  // Functions that may be referenced by ref.func in bodies (C.refs in the spec).
  std::vector<bool> declaredFuncRefs;

  uint32_t codeSectionSize = 0;  // bytes of the code section payload

  // Byte offsets of declarations, for validation errors: per function, table and memory
  // (an import's entry, or the function/table/memory section entry), and the start index.
  std::vector<uint32_t> funcOffsets;
  std::vector<uint32_t> tableOffsets;
  std::vector<uint32_t> memoryOffsets;
  uint32_t startOffset = 0;

  const FuncType& funcType(uint32_t funcIndex) const { return types[funcs[funcIndex]]; }
  uint32_t numDefinedFuncs() const { return uint32_t(funcs.size()) - numImportedFuncs; }
  // Function name from the name section; empty (data() null) if it has none.
  std::string_view funcName(uint32_t funcIndex) const;
};

}  // namespace wasm
