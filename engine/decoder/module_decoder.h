// Engine zone. Internals of decodeModule shared by its source files: the decoding context
// and one decoder per section. Each section decoder reads the section's payload from a
// Reader bounded to it and records the first error in that Reader. Entries are appended
// as they are read, and no vector is sized from a count the module declares: what a
// decode allocates (and, failed or interrupted, must free) grows with what it has read.
#pragma once

#include <cstdint>

#include "base/job.h"
#include "decoder/reader.h"
#include "wasm/module.h"
#include "wasm/result.h"

namespace wasm {

struct DecodeContext {
  DecodeContext(ModuleInfo& module, Job* j) : m(module), job(j) {}

  ModuleInfo& m;
  Job* job;  // polled every 4096 entries of a section; may be null
  uint64_t elemItems = 0;  // element segment items so far (limits::kMaxElemItems)

  // At every 4096th entry i of a section: false, with r failed, when the job must stop.
  bool poll(Reader& r, uint32_t i) {
    if ((i & 4095) != 0 || !job || job->poll()) return true;
    Error e = job->interruptedError();
    r.fail(e.kind, kNoOffset, "%s", e.message.c_str());
    return false;
  }
  bool sawFunctionSection = false;
  bool sawCodeSection = false;
  bool sawDataSection = false;
  // The first validation error noticed while decoding (a constant expression that is not
  // one constant instruction). It is reported only if the whole module decodes, because
  // malformed bytes anywhere take priority over validation errors.
  bool hasDeferred = false;
  Error deferred;

  void defer(Error e) {
    if (hasDeferred) return;
    hasDeferred = true;
    deferred = std::move(e);
  }
};

// Reads a vector length, checking it against the bytes left (each element takes at least
// minBytesEach) and against `limit` before anyone reserves memory for it.
bool readCount(Reader& r, uint32_t limit, const char* what, uint32_t* out,
               uint32_t minBytesEach = 1);

// A constant expression, up to and including its `end`.
ConstExpr decodeConstExpr(Reader& r, DecodeContext& c);

void decodeTypeSection(Reader& r, DecodeContext& c);
void decodeImportSection(Reader& r, DecodeContext& c);
void decodeFunctionSection(Reader& r, DecodeContext& c);
void decodeTableSection(Reader& r, DecodeContext& c);
void decodeMemorySection(Reader& r, DecodeContext& c);
void decodeGlobalSection(Reader& r, DecodeContext& c);
void decodeExportSection(Reader& r, DecodeContext& c);
void decodeStartSection(Reader& r, DecodeContext& c);
void decodeElementSection(Reader& r, DecodeContext& c);
void decodeDataCountSection(Reader& r, DecodeContext& c);
void decodeCodeSection(Reader& r, DecodeContext& c);
void decodeDataSection(Reader& r, DecodeContext& c);

// The "name" custom section, payload [begin, end). Never fails: a malformed name section
// is ignored (moduleName and funcNames stay empty), and so is one the job stopped in
// (job->stopped() says so; job may be null).
void decodeNameSection(ModuleInfo& m, size_t begin, size_t end, Job* job);

}  // namespace wasm
