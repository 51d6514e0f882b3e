// Engine zone. Constant expressions of WebAssembly 2.0: one constant instruction, then end.
#include "decoder/binary_types.h"
#include "decoder/expr_scanner.h"
#include "decoder/module_decoder.h"

namespace wasm {

namespace {
bool isConstantOp(Op op) {
  return op == Op::I32Const || op == Op::I64Const || op == Op::F32Const || op == Op::F64Const ||
         op == Op::RefNull || op == Op::RefFunc || op == Op::GlobalGet;
}

// Anything but a single constant instruction: read the whole expression for its syntax,
// then defer the validation error (non-constant instruction, or not exactly one value).
void scanIrregular(Reader& r, DecodeContext& c, size_t start) {
  r.seek(start);
  ExprScanner scanner(r, /*hasDataCount=*/true);
  size_t firstNonConst = 0;
  Op nonConstOp = Op::Nop;
  bool nonConst = false;
  uint32_t constants = 0;
  for (;;) {
    if (r.atEnd()) {
      r.failHere("unexpected end of section or function (constant expression without end)");
      return;
    }
    size_t off = r.offset();
    Op op = scanner.next();
    if (op == Op::Invalid) return;
    if (scanner.depth() == 0) break;  // the expression's end
    if (isConstantOp(op)) {
      constants++;
    } else if (!nonConst) {
      nonConst = true;
      firstNonConst = off;
      nonConstOp = op;
    }
  }
  if (nonConst) {
    c.defer(makeError(ErrorKind::Invalid, firstNonConst,
                      "constant expression required (%s is not a constant instruction)",
                      opInfo(nonConstOp).name));
  } else if (constants == 0) {
    c.defer(makeError(ErrorKind::Invalid, start, "type mismatch: empty constant expression"));
  } else {
    c.defer(makeError(ErrorKind::Invalid, start,
                      "type mismatch: constant expression produces %u values", constants));
  }
}
}  // namespace

ConstExpr decodeConstExpr(Reader& r, DecodeContext& c) {
  ConstExpr e;
  size_t start = r.offset();
  e.offset = uint32_t(start);
  bool single = true;
  switch (r.peekU8()) {
    case 0x41:
      r.u8();
      e.kind = ConstExpr::Kind::I32;
      e.type = ValType::I32;
      e.bits = uint32_t(r.s32());
      break;
    case 0x42:
      r.u8();
      e.kind = ConstExpr::Kind::I64;
      e.type = ValType::I64;
      e.bits = uint64_t(r.s64());
      break;
    case 0x43:
      r.u8();
      e.kind = ConstExpr::Kind::F32;
      e.type = ValType::F32;
      e.bits = r.fixed32();
      break;
    case 0x44:
      r.u8();
      e.kind = ConstExpr::Kind::F64;
      e.type = ValType::F64;
      e.bits = r.fixed64();
      break;
    case 0xD0:
      r.u8();
      e.kind = ConstExpr::Kind::RefNull;
      if (!readRefType(r, &e.type)) return e;
      break;
    case 0xD2:
      r.u8();
      e.kind = ConstExpr::Kind::RefFunc;
      e.type = ValType::FuncRef;
      e.index = r.u32();
      break;
    case 0x23:
      r.u8();
      e.kind = ConstExpr::Kind::GlobalGet;
      e.index = r.u32();
      // The global's type where it is known (the validator checks the index).
      e.type = e.index < c.m.globals.size() ? c.m.globals[e.index].type.type : ValType::I32;
      break;
    default: single = false; break;
  }
  if (!r.ok()) return e;
  if (single && !r.atEnd() && r.peekU8() == 0x0B) {
    r.u8();
    return e;
  }
  scanIrregular(r, c, start);
  return e;
}

}  // namespace wasm
