// Engine zone. SAFETY-CRITICAL. The implementation limits: every size, count and depth a
// module can ask for, capped here and nowhere else. Each is enforced when a module is
// decoded, validated or compiled, with an error of kind Limit that names the limit, so
// that nothing a module declares can make the engine wrap an integer, hold memory or take
// time out of proportion to the module's size. The counts follow V8's wasm-limits.h
// (they pass the spec testsuite); the ones V8 does not have (operand stack height,
// nesting depth, compile work, machine code) are ours. README.md lists them for users.
#pragma once

#include <cstdint>

namespace wasm::limits {

// --- module structure (decoder) -------------------------------------------------------
inline constexpr uint32_t kMaxTypes = 1'000'000;
inline constexpr uint32_t kMaxFunctions = 1'000'000;  // imported and defined
inline constexpr uint32_t kMaxImports = 100'000;
inline constexpr uint32_t kMaxExports = 100'000;
inline constexpr uint32_t kMaxGlobals = 1'000'000;
inline constexpr uint32_t kMaxTables = 100'000;
inline constexpr uint32_t kMaxTableSize = 10'000'000;  // a table's minimum, in elements
inline constexpr uint32_t kMaxDataSegments = 100'000;
inline constexpr uint32_t kMaxElemSegments = 100'000;
inline constexpr uint32_t kMaxElemSegmentSize = 10'000'000;  // elements of one segment
inline constexpr uint32_t kMaxElemItems = 10'000'000;        // elements of all segments
inline constexpr uint32_t kMaxStringSize = 100'000;          // bytes of one name
inline constexpr uint32_t kMaxMemoryPages = 65'536;          // 4 GiB (the 32-bit address space)

// --- functions (decoder and validator) --------------------------------------------------
inline constexpr uint32_t kMaxFunctionSize = 7'654'321;  // bytes of one body
inline constexpr uint32_t kMaxFunctionLocals = 50'000;   // declared locals, params excluded
inline constexpr uint32_t kMaxFunctionParams = 1'000;    // also a block type's params
inline constexpr uint32_t kMaxFunctionResults = 1'000;   // also a block type's results
inline constexpr uint32_t kMaxBrTableSize = 65'520;      // labels of one br_table
// Values on the operand stack of one function at once. Each has a frame slot of 8 bytes.
inline constexpr uint32_t kMaxOperandStackHeight = 50'000;
// Nesting of block, loop and if in one function (the body's own block included).
inline constexpr uint32_t kMaxControlDepth = 50'000;

// --- compilation --------------------------------------------------------------------------
// Compile work: the validator counts, for each instruction that checks more than a few
// values, the values it checks (a call's parameters and results, a branch's or block's
// values, each br_table target's values), and, for each function, its locals. The
// single-pass compiler does work in proportion to the same counts, so they bound its time
// and memory. A module may need at most kCompileWorkPerByte units per byte of module plus
// kCompileWorkBase; compiled C needs far less (SQLite 3.40: 0.02 per byte).
inline constexpr uint64_t kCompileWorkPerByte = 16;
inline constexpr uint64_t kCompileWorkBase = uint64_t(1) << 22;
// Machine code of one module: at most kCodeBytesPerByte bytes per byte of module plus
// kCodeBytesBase, and never more than kMaxCodeBytes. Compiled C takes about 2 (SQLite
// 3.40: 1.9 per byte of module, 2.4 with fuel metering). kMaxCodeBytes is far below 2 GiB, so every rel32
// displacement and every code offset fits its field with room to spare.
inline constexpr uint64_t kCodeBytesPerByte = 24;
inline constexpr uint64_t kCodeBytesBase = uint64_t(1) << 20;
inline constexpr uint64_t kMaxCodeBytes = uint64_t(512) << 20;
// How often (in bytes of a function body) the decoder, validator and compiler poll the
// embedder's interrupt flag, and between functions.
inline constexpr uint32_t kPollIntervalBytes = 1u << 16;

// A frame is at most (height + locals + params + saved registers) 8-byte slots: it fits
// an int32 displacement with a wide margin.
static_assert((uint64_t(kMaxOperandStackHeight) + kMaxFunctionLocals + kMaxFunctionParams + 64) * 8 <
              (uint64_t(1) << 24));
static_assert(kMaxCodeBytes < (uint64_t(1) << 31));

}  // namespace wasm::limits
