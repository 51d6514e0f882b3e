// The hostile-module generator: modules built to break the engine, one case per
// implementation limit (at the limit and one past it) and per attack shape (what
// maximises machine code, compile time, validation time, operand stack height and
// memory). Each case says what the engine must do with it: compile it (and, for some, run
// an export to a known result or trap), or refuse it with an error of a given kind whose
// message contains a given text. test/hostile/hostile_test.cpp runs every case in a child
// process and checks the outcome and the time and memory it took; hostile_gen writes any
// case's module to a file (for the SQL tests and for people).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "builder.h"
#include "wasm/engine.h"

namespace wasm::hostile {

struct Case {
  std::string name;
  std::string what;  // what the module tries
  // The outcome: ok (compiles), or the ErrorKind of Engine::compile's error, with a text
  // its message contains.
  bool compiles = true;
  ErrorKind errorKind = ErrorKind::Limit;
  std::string errorText;
  // After a successful compile, optionally: instantiate under a store memory limit of
  // storeMemory bytes (0: the default) and expect instantiation to fail with
  // instantiateError in its message; or call `invoke` (no arguments) and expect `result`
  // (its first i64 or i32 result) or, if trap is not None, that trap.
  bool instantiate = false;
  uint64_t storeMemory = 0;
  std::string instantiateError;
  std::string invoke;
  uint64_t result = 0;
  TrapKind trap = TrapKind::None;
  bool fuel = false;           // compile with fuel metering (and give the call 1e8 fuel)
  std::function<Bytes()> build;
};

const std::vector<Case>& cases();
const Case* findCase(const std::string& name);

}  // namespace wasm::hostile
