// Engine zone. Drives asmjit for a whole module: the shared trap exit, every function,
// the constant pool; then flattens to position-independent bytes.
#include <asmjit/x86.h>

#include <cstdlib>

#include "compiler/compiler.h"
#include "compiler/x64/func_compiler.h"

namespace wasm {

namespace {
class RecordingErrorHandler : public asmjit::ErrorHandler {
 public:
  asmjit::Error error = asmjit::kErrorOk;
  std::string message;
  void handleError(asmjit::Error err, const char* msg, asmjit::BaseEmitter*) override {
    if (error == asmjit::kErrorOk) {
      error = err;
      message = msg;
    }
  }
};
}  // namespace

Status checkHostCpu() {
  x64::CpuFlags f = x64::CpuFlags::host();
  if (!f.sse41 || !f.popcnt)
    return makeError(ErrorKind::Unsupported, kNoOffset,
                     "this CPU lacks SSE4.1 or POPCNT (x86-64-v2), which the JIT requires");
  return okStatus();
}

uint32_t hostCodegenCpuBits() {
  x64::CpuFlags f = x64::CpuFlags::host();
  return (f.sse41 ? 1u : 0u) | (f.popcnt ? 2u : 0u) | (f.lzcnt ? 4u : 0u) | (f.bmi1 ? 8u : 0u) |
         (f.bmi2 ? 16u : 0u);
}

Result<CompiledCode> compileModuleCode(const ModuleInfo& m, const CompileOptions& opts, Job& job) {
  namespace ax = asmjit::x86;
  asmjit::CodeHolder code;
  asmjit::Environment env = asmjit::Environment::host();
  code.init(env);
  RecordingErrorHandler eh;
  code.setErrorHandler(&eh);
  // PGWASM_ASM_LOG=1 prints the generated code to stderr (for debugging the compiler).
  asmjit::FileLogger logger(stderr);
  if (const char* log = getenv("PGWASM_ASM_LOG"); log && *log == '1') {
    logger.addFlags(asmjit::FormatFlags::kMachineCode);
    code.setLogger(&logger);
  }
  // Room for the usual expansion (about 2.5 bytes of machine code per byte of Wasm).
  code.reserveBuffer(&code.textSection()->buffer(), size_t(m.codeSectionSize) * 3 + 4096);
  x64::FastAssembler a(&code);

  x64::ModuleCodegen mc(m, opts, a, job);
  mc.cpu = x64::CpuFlags::host();
  mc.layout = VMContextLayout::of(m);
  mc.hasMemory = !m.memories.empty();
  mc.trapExit = a.makeLabel();
  for (auto& l : mc.consts) l = a.newAsmLabel();
  uint32_t nDefined = m.numDefinedFuncs();
  mc.funcLabels.resize(nDefined);
  for (auto& l : mc.funcLabels) l = a.makeLabel();

  // Trap exit: eax holds the TrapKind, rdx the faulting pc (guard-page traps) or 0. The
  // store records the backtrace while the trapping frames are still on the stack
  // (Hot::traceTrap; every JIT register is dead now, r12 keeps the kind), then the code
  // unwinds to the innermost entry trampoline, whose landing restores the embedder's
  // registers. r15 is a VMContext or HostFuncCtx; both start with the Store::Hot pointer.
  a.bind(mc.trapExit);
  a.mov(ax::r11, ax::qword_ptr(ax::r15, vmoff::kHot));
  a.mov(ax::r12d, ax::eax);
  a.mov(ax::rdi, ax::r11);
  a.mov(ax::rsi, ax::rsp);
  a.and_(ax::rsp, -16);
  a.call(ax::qword_ptr(ax::r11, vmoff::kHotTraceTrap));
  a.mov(ax::eax, ax::r12d);
  a.mov(ax::r11, ax::qword_ptr(ax::r15, vmoff::kHot));
  a.mov(ax::rsp, ax::qword_ptr(ax::r11, vmoff::kHotTrapSp));
  a.jmp(ax::qword_ptr(ax::r11, vmoff::kHotTrapLanding));
  // Traps a runtime helper returned (eax): no faulting pc.
  mc.helperTrapExit = a.makeLabel();
  a.bind(mc.helperTrapExit);
  a.xor_(ax::edx, ax::edx);
  a.jmp(mc.trapExit);

  constexpr size_t kTraps = 0
#define TRAP(name, message) +1
#include "wasm/traps.def"
#undef TRAP
      ;
  static_assert(kTraps <= x64::ModuleCodegen::kTrapKinds);
  for (size_t i = 0; i < x64::ModuleCodegen::kTrapKinds; i++) {
    mc.trapStubs[i] = a.makeLabel();
    a.bind(mc.trapStubs[i]);
    a.xor_(ax::edx, ax::edx);
    a.mov(ax::eax, uint32_t(i));
    a.jmp(mc.trapExit);
  }

  // The constant pool comes before the code, so that asmjit resolves every reference to
  // it at once (a reference to a label not yet bound would cost a record each).
  a.align(asmjit::AlignMode::kData, 16);
  static const uint32_t kConstWords[size_t(x64::ConstId::Count)][4] = {
      {0x80000000u, 0x80000000u, 0x80000000u, 0x80000000u},
      {0x7FFFFFFFu, 0x7FFFFFFFu, 0x7FFFFFFFu, 0x7FFFFFFFu},
      {0x00000000u, 0x80000000u, 0x00000000u, 0x80000000u},
      {0xFFFFFFFFu, 0x7FFFFFFFu, 0xFFFFFFFFu, 0x7FFFFFFFu},
  };
  for (size_t i = 0; i < size_t(x64::ConstId::Count); i++) {
    a.bind(mc.consts[i]);
    a.embed(kConstWords[i], 16);
  }

  for (uint32_t i = 0; i < nDefined; i++) {
    WASM_TRY(x64::compileFunction(mc, i));
    if (eh.error != asmjit::kErrorOk) break;
    // The function's own branches are resolved now, so that pending fixups never hold
    // more than one function's worth.
    if (!a.resolveFixups(false))
      return makeError(ErrorKind::Resource, kNoOffset, "code generation made a branch out of 32-bit range");
  }

  if (eh.error != asmjit::kErrorOk)
    return makeError(ErrorKind::Resource, kNoOffset, "code generation failed: %s", eh.message.c_str());
  if (a.offset() > job.codeBudget()) return x64::codeLimitError(job, kNoOffset);
  if (!a.resolveFixups(true))
    return makeError(ErrorKind::Resource, kNoOffset,
                     "code generation left a branch to an unbound label or out of 32-bit range");
  code.flatten();
  code.resolveUnresolvedLinks();
  // Only label differences (br_table jump tables) may need relocation; they do not depend
  // on where the code ends up, which keeps it position independent.
  for (const asmjit::RelocEntry* re : code.relocEntries()) {
    if (re->relocType() != asmjit::RelocType::kExpression)
      return makeError(ErrorKind::Resource, kNoOffset, "code generation produced an absolute relocation");
  }
  if (code.hasUnresolvedLinks())
    return makeError(ErrorKind::Resource, kNoOffset, "code generation left unresolved references");
  if (!code.relocEntries().empty() && code.relocateToBase(0) != asmjit::kErrorOk)
    return makeError(ErrorKind::Resource, kNoOffset, "code generation could not resolve jump tables");

  CompiledCode out;
  size_t size = code.codeSize();
  WASM_ASSIGN(out.code, CodeMemory::allocate(size));
  code.copyFlattenedData(out.code.writable(), size, asmjit::CopySectionFlags::kPadSectionBuffer);
  WASM_TRY(out.code.seal());
  out.funcOffsets.resize(nDefined);
  for (uint32_t i = 0; i < nDefined; i++)
    out.funcOffsets[i] = a.offsetOf(mc.funcLabels[i]);
  out.trapExitOffset = a.offsetOf(mc.trapExit);
  out.cpuBits = hostCodegenCpuBits();
  return out;
}

}  // namespace wasm
