// Engine zone. Syntax-only instruction scanning (see expr_scanner.h).
#include "decoder/expr_scanner.h"

#include "decoder/binary_types.h"
#include "decoder/decoder.h"

namespace wasm {

namespace {
enum : uint8_t { kFrameBlock = 0, kFrameIf = 1, kFrameElse = 2 };

void zeroByte(Reader& r) {
  size_t off = r.offset();
  uint8_t b = r.u8();
  if (r.ok() && b != 0) r.fail(ErrorKind::Malformed, off, "zero byte expected");
}

void needDataCount(Reader& r, size_t off, bool hasDataCount) {
  if (!hasDataCount) r.fail(ErrorKind::Malformed, off, "data count section required");
}
}  // namespace

void failOpcode(Reader& r, size_t offset, uint8_t byte) {
  if (const char* feature = featureOfOpcode(byte)) {
    if (byte == 0xFD || byte == 0xFE || byte == 0xFB) {
      r.fail(ErrorKind::Unsupported, offset, "%s: 0x%02x-prefixed instructions are not supported",
             feature, byte);
    } else {
      r.fail(ErrorKind::Unsupported, offset, "%s: opcode 0x%02x is not supported", feature, byte);
    }
    return;
  }
  r.fail(ErrorKind::Malformed, offset, "illegal opcode 0x%02x", byte);
}

void failFcOpcode(Reader& r, size_t offset, uint32_t subOpcode) {
  r.fail(ErrorKind::Malformed, offset, "illegal opcode 0xfc %u", subOpcode);
}

void failMissingEnd(Reader& r, const ModuleInfo& m) {
  size_t end = r.end();
  if (end >= m.bytes.size()) {
    r.fail(ErrorKind::Malformed, end, "unexpected end of section or function (missing final end)");
  } else if (m.bytes[end] == 0x0B) {
    r.fail(ErrorKind::Malformed, end,
           "section size mismatch (function body ends before its final end)");
  } else {
    r.fail(ErrorKind::Malformed, end,
           "END opcode expected (function body ends before its final end)");
  }
}

ExprScanner::ExprScanner(Reader& r, bool hasDataCount) : r_(r), hasDataCount_(hasDataCount) {
  frames_.push_back(kFrameBlock);
}

Op ExprScanner::next() {
  Reader& r = r_;
  size_t off = r.offset();
  uint8_t b = r.u8();
  if (!r.ok()) return Op::Invalid;
  Op op;
  if (b == 0xFC) {
    uint32_t sub = r.u32();
    if (!r.ok()) return Op::Invalid;
    if (sub >= kNumFcOps) {
      failFcOpcode(r, off, sub);
      return Op::Invalid;
    }
    op = kFcOps[sub];
  } else {
    op = kOneByteOps[b];
    if (op == Op::Invalid) {
      failOpcode(r, off, b);
      return Op::Invalid;
    }
  }
  switch (opInfo(op).imm) {
    case Imm::None: break;
    case Imm::BlockType: {
      BlockType bt;
      if (!readBlockType(r, &bt)) return Op::Invalid;
      break;
    }
    case Imm::Label:
    case Imm::Func:
    case Imm::Local:
    case Imm::Global:
    case Imm::Table:
    case Imm::Elem: r.u32(); break;
    case Imm::LabelTable: {
      size_t countOff = r.offset();
      uint32_t n = r.u32();
      if (!r.ok()) return Op::Invalid;
      if (n > r.remaining()) {
        r.fail(ErrorKind::Malformed, countOff, "unexpected end (br_table of %u labels)", n);
        return Op::Invalid;
      }
      for (uint32_t i = 0; i <= n && r.ok(); i++) r.u32();
      break;
    }
    case Imm::CallIndirect:
    case Imm::TableInit:
    case Imm::TableCopy:
    case Imm::MemArg:
      r.u32();
      r.u32();
      break;
    case Imm::SelectT: {
      size_t countOff = r.offset();
      uint32_t n = r.u32();
      if (!r.ok()) return Op::Invalid;
      if (n > r.remaining()) {
        r.fail(ErrorKind::Malformed, countOff, "unexpected end (select of %u types)", n);
        return Op::Invalid;
      }
      for (uint32_t i = 0; i < n; i++) {
        ValType t;
        if (!readValType(r, &t)) return Op::Invalid;
      }
      break;
    }
    case Imm::MemIndex: zeroByte(r); break;
    case Imm::I32: r.s32(); break;
    case Imm::I64: r.s64(); break;
    case Imm::F32: r.fixed32(); break;
    case Imm::F64: r.fixed64(); break;
    case Imm::HeapType: {
      ValType t;
      if (!readRefType(r, &t)) return Op::Invalid;
      break;
    }
    case Imm::MemoryInit:
      r.u32();
      zeroByte(r);
      if (r.ok()) needDataCount(r, off, hasDataCount_);
      break;
    case Imm::Data:
      r.u32();
      if (r.ok()) needDataCount(r, off, hasDataCount_);
      break;
    case Imm::MemoryCopy:
      zeroByte(r);
      zeroByte(r);
      break;
  }
  if (!r.ok()) return Op::Invalid;
  switch (op) {
    case Op::Block:
    case Op::Loop: frames_.push_back(kFrameBlock); break;
    case Op::If: frames_.push_back(kFrameIf); break;
    case Op::Else:
      if (frames_.empty() || frames_.back() != kFrameIf) {
        r.fail(ErrorKind::Malformed, off, "END opcode expected (else without if)");
        return Op::Invalid;
      }
      frames_.back() = kFrameElse;
      break;
    case Op::End:
      if (frames_.empty()) {
        r.fail(ErrorKind::Malformed, off, "unexpected end");
        return Op::Invalid;
      }
      frames_.pop_back();
      break;
    default: break;
  }
  return op;
}

Status scanFunctionBody(const ModuleInfo& m, uint32_t definedIndex, Job* job) {
  const FuncBody& body = m.bodies[definedIndex];
  Reader r(m.bytes.data(), body.codeOffset, size_t(body.offset) + body.size);
  ExprScanner scanner(r, dataCountKnown(m));
  for (uint32_t n = 1;; n++) {
    if ((n & 16383) == 0 && job && !job->poll()) return job->interruptedError();
    if (r.atEnd()) {
      failMissingEnd(r, m);
      break;
    }
    if (scanner.next() == Op::Invalid) break;
    if (scanner.depth() == 0) {
      if (!r.atEnd()) {
        r.fail(ErrorKind::Malformed, r.offset(),
               "section size mismatch (bytes after the function's final end)");
      }
      break;
    }
  }
  if (!r.ok()) {
    Error e = r.takeError();
    refineUnexpectedEnd(&e);
    return e;
  }
  return okStatus();
}

Status scanFunctionBodies(const ModuleInfo& m, uint32_t firstDefined, Job* job) {
  for (uint32_t i = firstDefined; i < m.bodies.size(); i++) {
    if (job && !job->poll()) return job->interruptedError();
    WASM_TRY(scanFunctionBody(m, i, job));
  }
  return okStatus();
}

}  // namespace wasm
