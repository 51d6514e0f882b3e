// Engine zone. Linear memory access: loads and stores with explicit bounds checks (or none
// in guard-page mode), memory.size/grow and the bulk memory instructions.
//
// Addresses are i32 values, zero-extended in their register by invariant, so
// base + address + offset never wraps: it is below 2^33.
#include "compiler/x64/func_compiler.h"

namespace wasm::x64 {

namespace {

struct AccessInfo {
  uint32_t size;
  ValType type;
};

AccessInfo accessOf(Op op) {
  switch (op) {
    case Op::I32Load: case Op::I32Store: return {4, ValType::I32};
    case Op::I64Load: case Op::I64Store: return {8, ValType::I64};
    case Op::F32Load: case Op::F32Store: return {4, ValType::F32};
    case Op::F64Load: case Op::F64Store: return {8, ValType::F64};
    case Op::I32Load8S: case Op::I32Load8U: case Op::I32Store8: return {1, ValType::I32};
    case Op::I32Load16S: case Op::I32Load16U: case Op::I32Store16: return {2, ValType::I32};
    case Op::I64Load8S: case Op::I64Load8U: case Op::I64Store8: return {1, ValType::I64};
    case Op::I64Load16S: case Op::I64Load16U: case Op::I64Store16: return {2, ValType::I64};
    case Op::I64Load32S: case Op::I64Load32U: case Op::I64Store32: return {4, ValType::I64};
    default: return {0, ValType::I32};
  }
}
}  // namespace

ax::Mem FuncCompiler::memOperand(Val& addr, uint64_t offset, uint32_t size, RegSet avoid) {
  bool explicitChecks = mc_.opts.boundsChecks == BoundsChecks::Explicit;
  Label oob = explicitChecks ? trapLabel(TrapKind::MemoryOutOfBounds) : Label();
  if (addr.loc == Loc::Const) {
    uint64_t ea = uint64_t(uint32_t(addr.imm)) + offset;
    uint64_t end = ea + size;
    if (explicitChecks) {
      if (end <= 0x7FFFFFFF) {
        a_.cmpMI(true, FastMem{kVmctx, FastMem::kNoIndex, 0, vmoff::kMemSize}, int32_t(end));
        a_.jb(oob);
      } else {
        a_.mov(ax::r11, end);
        a_.cmp(ax::r11, ax::qword_ptr(ax::r15, vmoff::kMemSize));
        a_.ja(oob);
      }
    }
    if (ea <= 0x7FFFFFFF) return ax::ptr(ax::r14, int32_t(ea), size);
    a_.mov(ax::r11, ea);
    return ax::ptr(ax::r14, ax::r11, 0, 0, size);
  }
  uint8_t ar = regOf(addr, avoid);
  ax::Gp a64 = ax::gpq(ar);
  if (explicitChecks) {
    uint64_t end = offset + size;
    if (end <= 0x7FFFFFFF) {
      a_.lea(true, kScratch, FastMem{ar, FastMem::kNoIndex, 0, int32_t(end)});
    } else {
      a_.mov(ax::r11, end);
      a_.add(ax::r11, a64);
    }
    a_.aluRM(Alu::Cmp, true, kScratch, FastMem{kVmctx, FastMem::kNoIndex, 0, vmoff::kMemSize});
    a_.ja(oob);
    if (offset <= 0x7FFFFFFF) return ax::ptr(ax::r14, a64, 0, int32_t(offset), size);
    return ax::ptr(ax::r14, ax::r11, 0, -int32_t(size), size);
  }
  if (offset <= 0x7FFFFFFF) return ax::ptr(ax::r14, a64, 0, int32_t(offset), size);
  a_.mov(ax::r11, offset);
  a_.add(ax::r11, a64);
  return ax::ptr(ax::r14, ax::r11, 0, 0, size);
}

void FuncCompiler::load(Op op) {
  (void)r_.u32();  // alignment hint
  uint64_t offset = r_.u32();
  AccessInfo ai = accessOf(op);
  ValType rt = opInfo(op).sig == Sig::f_i ? ValType::F32
               : opInfo(op).sig == Sig::d_i ? ValType::F64
               : opInfo(op).sig == Sig::l_i ? ValType::I64
                                            : ValType::I32;
  Val addr = pop();
  ax::Mem m = memOperand(addr, offset, ai.size, 0);
  uint8_t dst = resultReg(rt, &addr, 0);
  FastMem fm;
  bool fast = FastAssembler::toFast(m, &fm);  // false only for label-based memory (never here)
  switch (op) {
    case Op::I32Load: a_.load(false, dst, m); break;
    case Op::I64Load: a_.load(true, dst, m); break;
    case Op::F32Load: a_.movss(ax::xmm(dst - XMM0), m); break;
    case Op::F64Load: a_.movsd(ax::xmm(dst - XMM0), m); break;
    case Op::I32Load8S: case Op::I64Load8S: case Op::I32Load16S: case Op::I64Load16S: {
      bool wide = op == Op::I64Load8S || op == Op::I64Load16S;
      if (fast) a_.movsx(wide, dst, fm, ai.size);
      else a_.movsx(wide ? ax::Gp(ax::gpq(dst)) : ax::Gp(ax::gpd(dst)), m);
      break;
    }
    case Op::I32Load8U: case Op::I64Load8U: case Op::I32Load16U: case Op::I64Load16U:
      if (fast) a_.movzx(false, dst, fm, ai.size);
      else a_.movzx(ax::gpd(dst), m);
      break;
    case Op::I64Load32S:
      if (fast) a_.movsxd(dst, fm);
      else a_.movsxd(ax::gpq(dst), m);
      break;
    case Op::I64Load32U: a_.load(false, dst, m); break;
    default: break;
  }
  pushResult(rt, dst);
}

void FuncCompiler::store(Op op) {
  (void)r_.u32();
  uint64_t offset = r_.u32();
  AccessInfo ai = accessOf(op);
  Val value = pop();
  Val addr = pop();
  // The value first: it may need a register, which the address computation must keep.
  asmjit::Operand src;
  bool fl = isFloat(value.type);
  if (fl) {
    src = ax::xmm(regOf(value, regsOf(addr)) - XMM0);
  } else if (value.loc == Loc::Const && (ai.size < 8 || int64_t(value.imm) == int64_t(int32_t(value.imm)))) {
    src = asmjit::Imm(ai.size < 8 ? int64_t(int32_t(uint32_t(value.imm))) : int64_t(value.imm));
  } else {
    uint8_t r = regOf(value, regsOf(addr));
    switch (ai.size) {
      case 1: src = ax::gpb(r); break;
      case 2: src = ax::gpw(r); break;
      case 4: src = ax::gpd(r); break;
      default: src = ax::gpq(r); break;
    }
  }
  ax::Mem m = memOperand(addr, offset, ai.size, regsOf(value));
  FastMem fm;
  if (fl) {
    if (ai.size == 8) a_.movsd(m, src.as<ax::Xmm>());
    else a_.movss(m, src.as<ax::Xmm>());
  } else if (!FastAssembler::toFast(m, &fm)) {
    a_.emit(ax::Inst::kIdMov, m, src);
  } else if (src.isImm()) {
    a_.movMI(ai.size, fm, src.as<asmjit::Imm>().valueAs<int32_t>());
  } else {
    uint8_t r = uint8_t(src.id());
    switch (ai.size) {
      case 1: a_.movMR8(fm, r); break;
      case 2: a_.movMR16(fm, r); break;
      default: a_.movMR(ai.size == 8, fm, r); break;
    }
  }
}

void FuncCompiler::memorySize() {
  uint8_t dst = resultReg(ValType::I32, nullptr, 0);
  a_.mov(ax::gpq(dst), ax::qword_ptr(ax::r15, vmoff::kMemSize));
  a_.shr(ax::gpq(dst), 16);
  pushResult(ValType::I32, dst);
}

void FuncCompiler::memoryGrow() {
  Val delta = pop();
  callHelper(Helper::MemoryGrow, {delta});
  a_.mov(ax::eax, ax::eax);  // int32 result: clear the upper half
  push(Val::inReg(ValType::I32, RAX));
}

void FuncCompiler::bulkMemory(Op op) {
  switch (op) {
    case Op::MemoryInit: {
      uint32_t seg = r_.u32();
      (void)r_.u8();
      Val n = pop(), src = pop(), dst = pop();
      callHelper(Helper::MemoryInit, {Val::konst(ValType::I32, seg), dst, src, n});
      checkHelperTrap();
      break;
    }
    case Op::DataDrop: {
      uint32_t seg = r_.u32();
      callHelper(Helper::DataDrop, {Val::konst(ValType::I32, seg)});
      break;
    }
    case Op::MemoryCopy: {
      (void)r_.u8();
      (void)r_.u8();
      Val n = pop(), src = pop(), dst = pop();
      callHelper(Helper::MemoryCopy, {dst, src, n});
      checkHelperTrap();
      break;
    }
    case Op::MemoryFill: {
      (void)r_.u8();
      Val n = pop(), val = pop(), dst = pop();
      callHelper(Helper::MemoryFill, {dst, val, n});
      checkHelperTrap();
      break;
    }
    default: break;
  }
}

}  // namespace wasm::x64
