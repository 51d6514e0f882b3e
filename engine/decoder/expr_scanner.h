// Engine zone. Syntax-only reading of instruction sequences: opcodes, immediates and block
// nesting, without types. The decoder uses it for constant expressions that are not a
// single constant instruction; the validator uses it to find a decoding error (malformed
// bytes, an unsupported feature), which takes priority over a validation error found
// earlier in the module, as in the spec where decoding finishes before validation starts.
#pragma once

#include <cstdint>
#include <vector>

#include "base/job.h"
#include "decoder/reader.h"
#include "wasm/module.h"
#include "wasm/opcodes.h"
#include "wasm/result.h"

namespace wasm {

class ExprScanner {
 public:
  // hasDataCount: memory.init and data.drop are well-formed only with a data count section.
  ExprScanner(Reader& r, bool hasDataCount);

  // Reads one instruction with its immediates. Returns Op::Invalid after recording an
  // error in the reader.
  Op next();

  // Open blocks, counting the sequence's own: 0 once the `end` closing it has been read.
  uint32_t depth() const { return uint32_t(frames_.size()); }

 private:
  Reader& r_;
  bool hasDataCount_;
  std::vector<uint8_t> frames_;  // per open block: 0 block/loop, 1 if, 2 else
};

// Records the error for a byte that is not an opcode we implement: Unsupported naming the
// proposal when it belongs to one, else Malformed "illegal opcode".
void failOpcode(Reader& r, size_t offset, uint8_t byte);
void failFcOpcode(Reader& r, size_t offset, uint32_t subOpcode);

// Records the error for a function body that ends before the function's final `end`.
// The wording follows the reference interpreter, which reads on past the body's size.
void failMissingEnd(Reader& r, const ModuleInfo& m);

// Whether memory.init and data.drop are well-formed: the module has a data count section,
// or no data segments at all (then the number of segments, 0, is known without it; wabt
// leaves the section out in that case).
inline bool dataCountKnown(const ModuleInfo& m) { return m.hasDataCount || m.datas.empty(); }

// Checks the syntax of the body of defined function `definedIndex` (locals already
// decoded), polling the job (may be null) as it goes: a body may be 7 MB.
Status scanFunctionBody(const ModuleInfo& m, uint32_t definedIndex, Job* job);

// The first decoding error in the bodies of defined functions from `firstDefined` on,
// or the job's interruption.
Status scanFunctionBodies(const ModuleInfo& m, uint32_t firstDefined, Job* job);

}  // namespace wasm
