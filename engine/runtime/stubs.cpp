// Engine zone. *** Trampolines: the only code that switches between the embedder's C ABI
// and the JIT's internal calling convention, and the landing site of every trap. ***
//
// entry: saves the embedder's callee-saved registers, records its frame in
//   Store::Hot::trapSp (saving the previous value, so entries nest through host calls),
//   loads r15/r14/r13, lays out stack arguments, calls, copies results out and restores.
// typed entry: the same for one signature (generateTypedEntry), with the moves of its
//   parameters and results unrolled; it shares the generic entry's frame and its tail.
// trapLanding: reached by a jump with rsp = Hot::trapSp and eax = TrapKind from the trap
//   exit of any module (or the host stub); it unwinds the entry frame and returns eax.
//   No destructor or C++ frame ever sits between the two, only JIT frames.
// hostStub: the code of every host function. It spills the argument registers into an
//   image, syncs fuel, calls pgwasm_host_dispatch (C ABI) and either returns the results
//   or jumps to the trap landing with the host's trap kind.
// interruptStub: called from a poll site that found the interrupt flag set, with any
//   register live. It saves every register the C ABI may clobber, asks
//   pgwasm_interrupt_check, and either restores them and returns or jumps to the trap
//   landing.
#include <asmjit/x86.h>

#include "compiler/x64/abi.h"
#include "runtime/internal.h"

namespace wasm {

namespace {
namespace ax = asmjit::x86;

// Entry frame below the six pushed registers.
constexpr int32_t kEntryRetv = 0;
constexpr int32_t kEntryOldTrapSp = 8;
constexpr int32_t kEntryHot = 16;
constexpr int32_t kEntrySlots = 24;  // stack slots of the call (for trap backtraces)
constexpr int32_t kEntryCode = 32;   // the code entered (for trap backtraces)
constexpr int32_t kEntryFrame = 40;
static_assert(kEntrySlots == kEntryFrameSlots && kEntryCode == kEntryFrameCode);

// Host stub frame.
constexpr int32_t kHostRegs = 0;        // 6 GP + 8 xmm argument registers
constexpr int32_t kHostSavedXmm = 112;  // xmm8..14 (callee-saved for us, not for C)
constexpr int32_t kHostFrame = 184;     // keeps rsp 16-byte aligned at the C call

// The entry frame, from the embedder's call (rdi = VMContext*, rsi = code, rcx = retv)
// up to the arguments; slots: the call's stack slots, in rax. Leaves rbx = frame base.
void emitEntryFrame(ax::Assembler& a) {
  a.push(ax::rbp);
  a.push(ax::rbx);
  a.push(ax::r12);
  a.push(ax::r13);
  a.push(ax::r14);
  a.push(ax::r15);
  a.sub(ax::rsp, kEntryFrame);
  a.mov(ax::r15, ax::rdi);
  a.mov(ax::r12, ax::qword_ptr(ax::r15, vmoff::kHot));
  a.mov(ax::qword_ptr(ax::rsp, kEntryHot), ax::r12);
  a.mov(ax::qword_ptr(ax::rsp, kEntrySlots), ax::rax);
  a.mov(ax::rax, ax::qword_ptr(ax::r12, vmoff::kHotTrapSp));
  a.mov(ax::qword_ptr(ax::rsp, kEntryOldTrapSp), ax::rax);
  a.mov(ax::qword_ptr(ax::rsp, kEntryRetv), ax::rcx);
  a.mov(ax::qword_ptr(ax::rsp, kEntryCode), ax::rsi);
  // Every entry lands in the one trap landing (Hot::trapLanding, set by the Store).
  a.mov(ax::qword_ptr(ax::r12, vmoff::kHotTrapSp), ax::rsp);
  a.mov(ax::r13, ax::qword_ptr(ax::r12, vmoff::kHotFuel));
  a.mov(ax::r14, ax::qword_ptr(ax::r15, vmoff::kMemBase));
  a.mov(ax::rbx, ax::rsp);  // frame base, preserved by the callee (rbx is callee-saved)
}

void emitEntry(ax::Assembler& a, asmjit::Label trapLanding) {
  a.mov(ax::rax, ax::qword_ptr(ax::rdx, int32_t(kArgvRegs) * 8));
  emitEntryFrame(a);

  // Stack arguments.
  a.mov(ax::rcx, ax::qword_ptr(ax::rdx, int32_t(kArgvRegs) * 8));
  a.mov(ax::rax, ax::rcx);
  a.shl(ax::rax, 3);
  a.add(ax::rax, 15);
  a.and_(ax::rax, -16);
  a.sub(ax::rsp, ax::rax);
  asmjit::Label copy = a.newLabel(), copied = a.newLabel();
  a.xor_(ax::eax, ax::eax);
  a.bind(copy);
  a.cmp(ax::rax, ax::rcx);
  a.jae(copied);
  a.mov(ax::r8, ax::qword_ptr(ax::rdx, ax::rax, 3, int32_t(kArgvRegs + 1) * 8));
  a.mov(ax::qword_ptr(ax::rsp, ax::rax, 3), ax::r8);
  a.inc(ax::rax);
  a.jmp(copy);
  a.bind(copied);

  a.mov(ax::r11, ax::rsi);
  for (int i = 0; i < 8; i++) a.movsd(ax::xmm(i), ax::qword_ptr(ax::rdx, (6 + i) * 8));
  a.mov(ax::rdi, ax::qword_ptr(ax::rdx, 0));
  a.mov(ax::rsi, ax::qword_ptr(ax::rdx, 8));
  a.mov(ax::rcx, ax::qword_ptr(ax::rdx, 24));
  a.mov(ax::r8, ax::qword_ptr(ax::rdx, 32));
  a.mov(ax::r9, ax::qword_ptr(ax::rdx, 40));
  a.mov(ax::rdx, ax::qword_ptr(ax::rdx, 16));
  a.call(ax::r11);

  // Results.
  a.mov(ax::rcx, ax::qword_ptr(ax::rbx, kEntryRetv));
  a.mov(ax::qword_ptr(ax::rcx, 0), ax::rax);
  a.movsd(ax::qword_ptr(ax::rcx, 8), ax::xmm0);
  a.mov(ax::r8, ax::qword_ptr(ax::rbx, kEntrySlots));
  asmjit::Label out = a.newLabel(), outDone = a.newLabel();
  a.xor_(ax::eax, ax::eax);
  a.bind(out);
  a.cmp(ax::rax, ax::r8);
  a.jae(outDone);
  a.mov(ax::r9, ax::qword_ptr(ax::rsp, ax::rax, 3));
  a.mov(ax::qword_ptr(ax::rcx, ax::rax, 3, 16), ax::r9);
  a.inc(ax::rax);
  a.jmp(out);
  a.bind(outDone);
  a.mov(ax::rsp, ax::rbx);
  a.xor_(ax::eax, ax::eax);
  // Shared tail with the trap landing: eax holds the result code.
  a.bind(trapLanding);
  a.mov(ax::r12, ax::qword_ptr(ax::rsp, kEntryHot));
  asmjit::Label noFuel = a.newLabel();
  a.cmp(ax::byte_ptr(ax::r12, vmoff::kHotFuelEnabled), 0);
  a.je(noFuel);
  a.mov(ax::qword_ptr(ax::r12, vmoff::kHotFuel), ax::r13);
  a.bind(noFuel);
  a.mov(ax::rcx, ax::qword_ptr(ax::rsp, kEntryOldTrapSp));
  a.mov(ax::qword_ptr(ax::r12, vmoff::kHotTrapSp), ax::rcx);
  a.add(ax::rsp, kEntryFrame);
  a.pop(ax::r15);
  a.pop(ax::r14);
  a.pop(ax::r13);
  a.pop(ax::r12);
  a.pop(ax::rbx);
  a.pop(ax::rbp);
  a.ret();
}

// The typed entry of one signature: its parameters from args[i] straight into their
// registers and stack slots, its results straight into results[i] (i32 and f32 zero-
// extended), then the generic entry's tail, where a trap also lands.
void emitTypedEntry(ax::Assembler& a, const Engine::EntryLayout& layout, const void* landing) {
  uint32_t slots = layout.slots;
  a.mov(ax::eax, slots);
  emitEntryFrame(a);
  if (slots) a.sub(ax::rsp, int32_t((uint64_t(slots) * 8 + 15) & ~uint64_t(15)));
  a.mov(ax::r10, ax::rdx);  // args (rdx is an argument register)
  a.mov(ax::r11, ax::rsi);
  static constexpr uint8_t kGp[6] = {x64::RDI, x64::RSI, x64::RDX, x64::RCX, x64::R8, x64::R9};
  for (uint32_t i = 0; i < layout.numParams; i++) {
    uint32_t at = layout.argIndex[i];
    ax::Mem arg = ax::qword_ptr(ax::r10, int32_t(i * 8));
    if (at > kArgvRegs) {
      a.mov(ax::rax, arg);
      a.mov(ax::qword_ptr(ax::rsp, int32_t((at - kArgvRegs - 1) * 8)), ax::rax);
    } else if (at >= 6) {
      a.movsd(ax::xmm(at - 6), arg);
    } else {
      a.mov(ax::gpq(kGp[at]), arg);
    }
  }
  a.call(ax::r11);
  a.mov(ax::rcx, ax::qword_ptr(ax::rbx, kEntryRetv));
  for (uint32_t i = 0; i < layout.numResults; i++) {
    uint32_t at = layout.resultIndex[i];
    bool narrow = layout.resultMask[i] != ~uint64_t(0);
    if (at == 0) a.mov(ax::r9, ax::rax);
    else if (at == 1) a.movq(ax::r9, ax::xmm0);
    else a.mov(ax::r9, ax::qword_ptr(ax::rsp, int32_t((at - 2) * 8)));
    if (narrow) a.mov(ax::r9d, ax::r9d);
    a.mov(ax::qword_ptr(ax::rcx, int32_t(i * 8)), ax::r9);
  }
  a.mov(ax::rsp, ax::rbx);
  a.xor_(ax::eax, ax::eax);
  a.mov(ax::r11, uint64_t(reinterpret_cast<uintptr_t>(landing)));
  a.jmp(ax::r11);
}

// A stub's way to the trap landing, eax = TrapKind: the store records the backtrace
// while the Wasm frames are still on the stack (r12 keeps the kind: the stub is done with
// it), then the stack goes back to the entry frame.
void emitTrapTail(ax::Assembler& a) {
  a.mov(ax::r12d, ax::eax);
  a.mov(ax::rdi, ax::qword_ptr(ax::r15, vmoff::kHot));
  a.mov(ax::rsi, ax::rsp);
  a.xor_(ax::edx, ax::edx);
  a.and_(ax::rsp, -16);
  a.mov(ax::rax, uint64_t(reinterpret_cast<uintptr_t>(&pgwasm_trap_trace)));
  a.call(ax::rax);
  a.mov(ax::eax, ax::r12d);
  a.mov(ax::r11, ax::qword_ptr(ax::r15, vmoff::kHot));
  a.mov(ax::rsp, ax::qword_ptr(ax::r11, vmoff::kHotTrapSp));
  a.jmp(ax::qword_ptr(ax::r11, vmoff::kHotTrapLanding));
}

void emitHostStub(ax::Assembler& a) {
  a.sub(ax::rsp, kHostFrame);
  static constexpr uint8_t kGp[6] = {x64::RDI, x64::RSI, x64::RDX, x64::RCX, x64::R8, x64::R9};
  for (int i = 0; i < 6; i++) a.mov(ax::qword_ptr(ax::rsp, kHostRegs + i * 8), ax::gpq(kGp[i]));
  for (int i = 0; i < 8; i++) a.movsd(ax::qword_ptr(ax::rsp, kHostRegs + (6 + i) * 8), ax::xmm(i));
  for (int i = 0; i < 7; i++) a.movsd(ax::qword_ptr(ax::rsp, kHostSavedXmm + i * 8), ax::xmm(8 + i));
  a.mov(ax::r11, ax::qword_ptr(ax::r15, vmoff::kHot));
  asmjit::Label noFuel1 = a.newLabel();
  a.cmp(ax::byte_ptr(ax::r11, vmoff::kHotFuelEnabled), 0);
  a.je(noFuel1);
  a.mov(ax::qword_ptr(ax::r11, vmoff::kHotFuel), ax::r13);
  a.bind(noFuel1);
  a.mov(ax::rdi, ax::r15);
  a.mov(ax::rsi, ax::rax);  // caller's VMContext*
  a.mov(ax::rdx, ax::rsp);
  a.lea(ax::rcx, ax::ptr(ax::rsp, kHostFrame + 8));  // incoming stack slots
  a.mov(ax::rax, uint64_t(reinterpret_cast<uintptr_t>(&pgwasm_host_dispatch)));
  a.call(ax::rax);
  a.mov(ax::r11, ax::qword_ptr(ax::r15, vmoff::kHot));
  asmjit::Label noFuel2 = a.newLabel(), trap = a.newLabel();
  a.cmp(ax::byte_ptr(ax::r11, vmoff::kHotFuelEnabled), 0);
  a.je(noFuel2);
  a.mov(ax::r13, ax::qword_ptr(ax::r11, vmoff::kHotFuel));
  a.bind(noFuel2);
  a.test(ax::eax, ax::eax);
  a.jnz(trap);
  for (int i = 0; i < 7; i++) a.movsd(ax::xmm(8 + i), ax::qword_ptr(ax::rsp, kHostSavedXmm + i * 8));
  a.mov(ax::rax, ax::qword_ptr(ax::rsp, kHostRegs));
  a.movsd(ax::xmm0, ax::qword_ptr(ax::rsp, kHostRegs + 6 * 8));
  a.add(ax::rsp, kHostFrame);
  a.ret();
  a.bind(trap);
  emitTrapTail(a);
}
// Interrupt stub frame (below the saved rbp, with rsp realigned to 16: poll sites differ
// in alignment).
constexpr int32_t kIntGp = 0;     // 9 caller-saved GP registers
constexpr int32_t kIntXmm = 72;   // xmm0..15 (scalar halves: generated code is not SIMD)
constexpr int32_t kIntFrame = 208;
constexpr uint8_t kCallerSavedGp[9] = {x64::RAX, x64::RCX, x64::RDX, x64::RSI, x64::RDI,
                                       x64::R8,  x64::R9,  x64::R10, x64::R11};

void emitInterruptStub(ax::Assembler& a) {
  a.push(ax::rbp);
  a.mov(ax::rbp, ax::rsp);
  a.and_(ax::rsp, -16);
  a.sub(ax::rsp, kIntFrame);
  for (int i = 0; i < 9; i++) a.mov(ax::qword_ptr(ax::rsp, kIntGp + i * 8), ax::gpq(kCallerSavedGp[i]));
  for (int i = 0; i < 16; i++) a.movsd(ax::qword_ptr(ax::rsp, kIntXmm + i * 8), ax::xmm(i));
  a.mov(ax::r11, ax::qword_ptr(ax::r15, vmoff::kHot));
  asmjit::Label noFuel = a.newLabel(), trap = a.newLabel();
  a.cmp(ax::byte_ptr(ax::r11, vmoff::kHotFuelEnabled), 0);
  a.je(noFuel);
  a.mov(ax::qword_ptr(ax::r11, vmoff::kHotFuel), ax::r13);
  a.bind(noFuel);
  a.mov(ax::rdi, ax::r15);
  a.mov(ax::rax, uint64_t(reinterpret_cast<uintptr_t>(&pgwasm_interrupt_check)));
  a.call(ax::rax);
  a.test(ax::eax, ax::eax);
  a.jnz(trap);
  for (int i = 0; i < 16; i++) a.movsd(ax::xmm(i), ax::qword_ptr(ax::rsp, kIntXmm + i * 8));
  for (int i = 0; i < 9; i++) a.mov(ax::gpq(kCallerSavedGp[i]), ax::qword_ptr(ax::rsp, kIntGp + i * 8));
  a.mov(ax::rsp, ax::rbp);
  a.pop(ax::rbp);
  a.ret();
  a.bind(trap);
  emitTrapTail(a);
}
}  // namespace

Result<std::unique_ptr<Engine::Stubs>> generateStubs() {
  asmjit::CodeHolder code;
  code.init(asmjit::Environment::host());
  ax::Assembler a(&code);
  asmjit::Label entry = a.newLabel(), landing = a.newLabel(), host = a.newLabel(),
                interrupt = a.newLabel();
  a.bind(entry);
  emitEntry(a, landing);
  a.align(asmjit::AlignMode::kCode, 16);
  a.bind(host);
  emitHostStub(a);
  a.align(asmjit::AlignMode::kCode, 16);
  a.bind(interrupt);
  emitInterruptStub(a);
  code.flatten();
  code.resolveUnresolvedLinks();
  // Position independent apart from the dispatcher's address, an immediate operand.
  size_t size = code.codeSize();
  std::vector<uint8_t> tmp(size);
  code.copyFlattenedData(tmp.data(), size);
  WASM_ASSIGN(CodeMemory mem, CodeMemory::create(tmp.data(), size));
  auto stubs = std::make_unique<Engine::Stubs>();
  const uint8_t* base = mem.base();
  stubs->entry = reinterpret_cast<Engine::Stubs::EntryFn>(const_cast<uint8_t*>(base) +
                                                          code.labelOffsetFromBase(entry));
  stubs->trapLanding = base + code.labelOffsetFromBase(landing);
  stubs->hostStub = base + code.labelOffsetFromBase(host);
  stubs->interruptStub = base + code.labelOffsetFromBase(interrupt);
  stubs->code = std::move(mem);
  return stubs;
}

Result<CodeMemory> generateTypedEntry(const Engine::EntryLayout& layout, const void* landing) {
  asmjit::CodeHolder code;
  code.init(asmjit::Environment::host());
  ax::Assembler a(&code);
  emitTypedEntry(a, layout, landing);
  code.flatten();
  code.resolveUnresolvedLinks();
  size_t size = code.codeSize();
  std::vector<uint8_t> tmp(size);
  code.copyFlattenedData(tmp.data(), size);
  return CodeMemory::create(tmp.data(), size);
}

}  // namespace wasm
