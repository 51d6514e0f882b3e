// Engine zone. Validation per the WebAssembly 2.0 spec (without SIMD): module-level rules
// (types, imports, exports, limits, constant expressions, segments, start) and the
// function-body type checker. Errors carry the byte offset of the offending instruction
// or entry.
#pragma once

#include <cstdint>
#include <vector>

#include "wasm/module.h"
#include "wasm/result.h"

namespace wasm {

class Job;

// What the compiler learns about a function while it is validated, in the same walk.
struct FuncAnalysis {
  uint32_t maxStackHeight = 0;   // deepest operand stack, in values
  uint32_t maxControlDepth = 0;  // deepest nesting of block/loop/if, the body's block included
  bool hasCalls = false;         // call or call_indirect
  bool hasRuntimeCalls = false;  // instructions the compiler implements by calling into the
                                 // runtime: memory.grow/init/copy/fill, data.drop, and the
                                 // table instructions except table.get/set/size (which are
                                 // inline): table.grow/fill/copy/init, elem.drop
  // Per local (params first): how often it is read or written, weighted by loop depth
  // (x8 per enclosing loop, capped at depth 4). Used to pick locals for registers.
  std::vector<uint32_t> localWeights;
  // The same weighting summed over call sites (calls and runtime calls): what keeping a
  // local in a register that calls clobber would cost in saves and reloads.
  uint32_t callWeight = 0;
};

// Module-level validation; does not look inside function bodies. Polls job's interrupt.
Status validateModule(const ModuleInfo& m, Job* job = nullptr);

// Type-checks the body of defined function `definedIndex` (0 = first non-imported
// function). Requires validateModule to have passed. Charges the body's compile work to
// job and polls its interrupt (without a job: a budget for this function alone).
Status validateFunction(const ModuleInfo& m, uint32_t definedIndex, FuncAnalysis* analysis,
                        Job* job = nullptr);

// Both of the above for every function, with one job for the module (without a job: one
// of the module's size, never interrupted).
Status validateAll(const ModuleInfo& m, Job* job = nullptr);

}  // namespace wasm
