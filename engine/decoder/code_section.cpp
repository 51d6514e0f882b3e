// Engine zone. Decoder of the code section: locates every function body and decodes its
// locals. The instructions are left to the validator.
#include "decoder/binary_types.h"
#include "decoder/decoder.h"
#include "decoder/module_decoder.h"

namespace wasm {

namespace {
void decodeBody(Reader& r, DecodeContext& c, FuncBody* body) {
  size_t sizeOff = r.offset();
  uint32_t size = r.u32();
  if (!r.ok()) return;
  if (size > r.remaining()) {
    r.fail(ErrorKind::Malformed, sizeOff,
           "length out of bounds (function body of %u bytes, %zu remain)", size, r.remaining());
    return;
  }
  if (size > limits::kMaxFunctionSize) {
    r.fail(ErrorKind::Limit, sizeOff, "function body of %u bytes exceeds the limit of %u", size,
           limits::kMaxFunctionSize);
    return;
  }
  body->offset = uint32_t(r.offset());
  body->size = size;
  size_t end = r.offset() + size;
  // The locals, read through a reader bounded to the body.
  Reader br(r.base(), r.offset(), end);
  uint32_t runs;
  if (readCount(br, UINT32_MAX, "local", &runs, 2)) {
    uint64_t total = 0;
    size_t overOff = SIZE_MAX;
    for (uint32_t i = 0; i < runs; i++) {
      if (!c.poll(br, i + 1)) break;  // a body of 7 MB may hold 3.8M runs
      size_t off = br.offset();
      uint32_t count = br.u32();
      if (!br.ok()) break;
      total += count;
      if (total > UINT32_MAX) {
        br.fail(ErrorKind::Malformed, off, "too many locals (more than 2^32-1)");
        break;
      }
      // Past the limit, but malformed counts later in the body take priority.
      if (total > limits::kMaxFunctionLocals && overOff == SIZE_MAX) overOff = off;
      LocalRun run;
      run.count = count;
      if (!readValType(br, &run.type)) break;
      if (count) body->locals.push_back(run);  // a run of none declares nothing: not kept
    }
    if (br.ok() && overOff != SIZE_MAX) {
      br.fail(ErrorKind::Limit, overOff, "function declares more than %u locals, the limit",
              limits::kMaxFunctionLocals);
    }
    body->numLocals = uint32_t(total);
  }
  if (!br.ok()) {
    Error e = br.takeError();
    r.fail(e.kind, e.offset, "%s", e.message.c_str());
    return;
  }
  body->codeOffset = uint32_t(br.offset());
  r.seek(end);
}
}  // namespace

void decodeCodeSection(Reader& r, DecodeContext& c) {
  ModuleInfo& m = c.m;
  c.sawCodeSection = true;
  size_t countOff = r.offset();
  uint32_t n = r.u32();
  if (!r.ok()) return;
  if (n != m.numDefinedFuncs()) {
    r.fail(ErrorKind::Malformed, countOff,
           "function and code section have inconsistent lengths (%u functions, %u bodies)",
           m.numDefinedFuncs(), n);
    return;
  }
  if (n > r.remaining()) {
    r.fail(ErrorKind::Malformed, countOff,
           "length out of bounds: %u bodies cannot fit in %zu bytes", n, r.remaining());
    return;
  }
  for (uint32_t i = 0; i < n && r.ok(); i++) {
    if (!c.poll(r, i)) return;
    decodeBody(r, c, &m.bodies.emplace_back());
  }
}

}  // namespace wasm
