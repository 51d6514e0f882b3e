// Spec harness. A wast2json script (X.json) loaded into plain structs: the commands of one
// .wast file with their values already parsed, so the runner never touches JSON.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wasm/types.h"

namespace spec {

// An argument or an expected result.
struct SpecValue {
  enum class Kind : uint8_t {
    Bits,           // exact bits (numbers; refs: 0 = null, externref N = N + 1)
    CanonicalNan,   // "nan:canonical"
    ArithmeticNan,  // "nan:arithmetic"
    NonNullRef,     // a funcref that must be non-null (the script names a function)
    AnyValue,       // only the type is given (expected results of assert_trap)
    Lanes,          // v128: never evaluated, SIMD is not supported
  };
  wasm::ValType type = wasm::ValType::I32;
  Kind kind = Kind::Bits;
  uint64_t bits = 0;
};

struct Action {
  enum class Type : uint8_t { Invoke, Get };
  Type type = Type::Invoke;
  std::string module;  // "$name" of a named module, or empty for the current one
  std::string field;
  std::vector<SpecValue> args;
};

struct Command {
  enum class Type : uint8_t {
    Module,
    Register,
    Action,
    AssertReturn,
    AssertTrap,
    AssertExhaustion,
    AssertMalformed,
    AssertInvalid,
    AssertUnlinkable,
    AssertUninstantiable,
  };
  Type type = Type::Module;
  int line = 0;
  std::string filename;  // module commands: path of the .wasm, resolved against the script
  std::string name;      // module: optional "$name"; register: the module registered
  std::string as;        // register: the import module name
  std::string text;      // asserts: the expected failure text
  bool textFormat = false;  // module_type "text": a text-parser test, not applicable
  Action action;
  std::vector<SpecValue> expected;

  bool usesV128() const;  // any argument or expected result is a v128
};

struct Script {
  std::string path;
  std::vector<Command> commands;
};

const char* commandTypeName(Command::Type t);

// Loads and checks a wast2json output file. On failure returns false with a message that
// names the file and, where it can, the command's line.
bool loadScript(const std::string& path, Script* out, std::string* error);

}  // namespace spec
