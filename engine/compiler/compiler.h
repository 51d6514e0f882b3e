// Engine zone. Module compilation: validates and compiles every defined function into one
// block of position-independent machine code (calls are relative, constants RIP-relative,
// runtime entry points reached through the VMContext), so the same bytes can be copied
// into any process's executable memory.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime/code_memory.h"
#include "wasm/engine.h"
#include "wasm/module.h"
#include "wasm/result.h"

namespace wasm {

struct CompiledCode {
  CodeMemory code;  // sealed (read + execute)
  std::vector<uint32_t> funcOffsets;  // per defined function
  uint32_t trapExitOffset = 0;        // the module's trap exit (eax = TrapKind)
  uint32_t cpuBits = 0;               // hostCodegenCpuBits() the code was generated for
};

// The optional CPU features code generation uses on this host, as bits: code generated
// for one value may only run where all its bits are present.
uint32_t hostCodegenCpuBits();

// Requires validateModule(m) to have passed; validates each body as it goes, charging the
// job's compile work, keeping within its code budget and polling its interrupt.
class Job;
Result<CompiledCode> compileModuleCode(const ModuleInfo& m, const CompileOptions& opts, Job& job);

// The CPU features the JIT requires (x86-64-v2: SSE4.1 and POPCNT), or an error naming
// what is missing.
Status checkHostCpu();

}  // namespace wasm
