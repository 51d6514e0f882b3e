// Engine zone. Locals (lazy references, fixed homes), globals (inline cells in the
// VMContext, imported ones through a pointer), tables and references.
#include "compiler/x64/func_compiler.h"

namespace wasm::x64 {

namespace {
inline ax::Gp gp(uint8_t r, bool wide) { return wide ? ax::Gp(ax::gpq(r)) : ax::Gp(ax::gpd(r)); }
inline bool wideType(ValType t) { return t != ValType::I32 && t != ValType::F32; }
}  // namespace

void FuncCompiler::localGet(uint32_t i) { pushLocalRef(locals_[i].type, i); }

void FuncCompiler::localSet(uint32_t i, bool tee) {
  Val& t = top();
  if (t.loc == Loc::Local && t.idx == i) {
    if (!tee) (void)pop();
    return;
  }
  // Lazy references to the old value must read it before it is overwritten.
  materializeLocalRefs(i);
  Val v = pop();
  LocalInfo& L = locals_[i];
  if (L.reg != kNoReg) {
    loadInto(L.reg, v);
  } else {
    storeTo(localMem(i, wideType(L.type) ? 8 : 4), v);
    // A tee of a register value to a frame local keeps using the register.
    if (tee && v.loc == Loc::Reg) {
      push(v);
      return;
    }
  }
  if (tee) pushLocalRef(L.type, i);
}

void FuncCompiler::globalGet(uint32_t i) {
  ValType t = m_.globals[i].type.type;
  bool wide = wideType(t);
  int32_t off = int32_t(mc_.layout.globalOffset(m_, i));
  ax::Mem cell;
  if (i < m_.numImportedGlobals) {
    a_.mov(ax::r11, ax::qword_ptr(ax::r15, off));
    cell = ax::ptr(ax::r11, 0, wide ? 8 : 4);
  } else {
    cell = ax::ptr(ax::r15, off, wide ? 8 : 4);
  }
  uint8_t dst = resultReg(t, nullptr, 0);
  if (t == ValType::F32) a_.movss(ax::xmm(dst - XMM0), cell);
  else if (t == ValType::F64) a_.movsd(ax::xmm(dst - XMM0), cell);
  else a_.mov(gp(dst, wide), cell);
  pushResult(t, dst);
}

void FuncCompiler::globalSet(uint32_t i) {
  ValType t = m_.globals[i].type.type;
  bool wide = wideType(t);
  int32_t off = int32_t(mc_.layout.globalOffset(m_, i));
  Val v = pop();
  // The value in a register (or an immediate) first: r11 may hold the cell address.
  asmjit::Operand src;
  if (isFloat(t)) {
    src = ax::xmm(regOf(v, 0) - XMM0);
  } else if (v.loc == Loc::Const && (!wide || int64_t(v.imm) == int64_t(int32_t(v.imm)))) {
    src = asmjit::Imm(wide ? int64_t(v.imm) : int64_t(int32_t(uint32_t(v.imm))));
  } else {
    src = gp(regOf(v, 0), wide);
  }
  ax::Mem cell;
  if (i < m_.numImportedGlobals) {
    a_.mov(ax::r11, ax::qword_ptr(ax::r15, off));
    cell = ax::ptr(ax::r11, 0, wide ? 8 : 4);
  } else {
    cell = ax::ptr(ax::r15, off, wide ? 8 : 4);
  }
  if (t == ValType::F32) a_.movss(cell, src.as<ax::Xmm>());
  else if (t == ValType::F64) a_.movsd(cell, src.as<ax::Xmm>());
  else a_.emit(ax::Inst::kIdMov, cell, src);
}

void FuncCompiler::refNull(ValType t) { push(Val::konst(t, 0)); }

void FuncCompiler::refFunc(uint32_t f) {
  uint8_t dst = resultReg(ValType::FuncRef, nullptr, 0);
  a_.mov(ax::gpq(dst), ax::qword_ptr(ax::r15, vmoff::kFuncRefs));
  a_.mov(ax::gpq(dst), ax::qword_ptr(ax::gpq(dst), int32_t(f) * 8));
  pushResult(ValType::FuncRef, dst);
}

void FuncCompiler::tableOp(Op op) {
  auto tablePtr = [this](uint32_t table) {
    a_.mov(ax::r11, ax::qword_ptr(ax::r15, vmoff::kTables));
    a_.mov(ax::r11, ax::qword_ptr(ax::r11, int32_t(table) * 8));
  };
  auto k = [](uint32_t v) { return Val::konst(ValType::I32, v); };
  // r11 = the table's element array, after trapping if index register ir is out of bounds.
  auto elemsChecked = [&](uint32_t table, uint8_t ir) {
    tablePtr(table);
    a_.cmp(ax::gpd(ir), ax::dword_ptr(ax::r11, vmoff::kTableSize));
    a_.jae(trapLabel(TrapKind::TableOutOfBounds));
    a_.mov(ax::r11, ax::qword_ptr(ax::r11, vmoff::kTableElems));
  };
  switch (op) {
    case Op::TableGet: {
      uint32_t table = r_.u32();
      ValType t = m_.tables[table].elem;
      Val idx = pop();
      uint8_t ir = regOf(idx, 0);
      elemsChecked(table, ir);
      uint8_t dst = resultReg(t, &idx, 0);
      a_.mov(ax::gpq(dst), ax::qword_ptr(ax::r11, ax::gpq(ir), 3));
      pushResult(t, dst);
      return;
    }
    case Op::TableSet: {
      uint32_t table = r_.u32();
      Val val = pop();
      Val idx = pop();
      uint8_t vr = regOf(val, regsOf(idx));
      uint8_t ir = regOf(idx, bit(vr));
      elemsChecked(table, ir);
      a_.mov(ax::qword_ptr(ax::r11, ax::gpq(ir), 3), ax::gpq(vr));
      return;
    }
    case Op::TableSize: {
      uint32_t table = r_.u32();
      uint8_t dst = resultReg(ValType::I32, nullptr, 0);
      tablePtr(table);
      a_.mov(ax::gpd(dst), ax::dword_ptr(ax::r11, vmoff::kTableSize));
      pushResult(ValType::I32, dst);
      return;
    }
    case Op::TableGrow: {
      uint32_t table = r_.u32();
      Val n = pop(), init = pop();
      callHelper(Helper::TableGrow, {k(table), init, n});
      // A trap in the high half (helpers.cpp): to the helper trap exit, code in eax.
      a_.mov(ax::rcx, ax::rax);
      a_.shr(ax::rcx, 32);
      Label ok = a_.makeLabel();
      a_.jz(ok);
      a_.mov(ax::eax, ax::ecx);
      a_.jmp(mc_.helperTrapExit);
      a_.bind(ok);
      a_.mov(ax::eax, ax::eax);
      push(Val::inReg(ValType::I32, RAX));
      return;
    }
    case Op::TableFill: {
      uint32_t table = r_.u32();
      Val n = pop(), val = pop(), i = pop();
      callHelper(Helper::TableFill, {k(table), i, val, n});
      checkHelperTrap();
      return;
    }
    case Op::TableCopy: {
      uint32_t dstT = r_.u32();
      uint32_t srcT = r_.u32();
      Val n = pop(), s = pop(), d = pop();
      callHelper(Helper::TableCopy, {k(dstT), k(srcT), d, s, n});
      checkHelperTrap();
      return;
    }
    case Op::TableInit: {
      uint32_t seg = r_.u32();
      uint32_t table = r_.u32();
      Val n = pop(), s = pop(), d = pop();
      callHelper(Helper::TableInit, {k(table), k(seg), d, s, n});
      checkHelperTrap();
      return;
    }
    case Op::ElemDrop: {
      uint32_t seg = r_.u32();
      callHelper(Helper::ElemDrop, {k(seg)});
      return;
    }
    default: return;
  }
}

}  // namespace wasm::x64
