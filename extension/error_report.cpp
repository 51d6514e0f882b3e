// PG zone. Engine outcomes to ERRORs:
//   malformed module 22P03, invalid module or link failure 42P13, unsupported feature 0A000,
//   trap 38000 (trap kind in the message), fuel or memory limit 54000 (hint names the GUC),
//   stack exhausted 54001, cancel and statement_timeout PostgreSQL's own 57014, engine
//   out of memory 53200.
#include "pg.h"

#include "error_report.h"
#include "guc.h"
#include "statement.h"

namespace pgwasm {

namespace {
int offsetDetail(const Outcome& out) {
  if (out.offset == wasm::kNoOffset) return 0;
  return errdetail("At byte offset %llu (0x%llx) of the module.", (unsigned long long)out.offset,
                   (unsigned long long)out.offset);
}
}  // namespace

void reportModuleError(const char* subject, const Outcome& out) {
  if (out.status == Outcome::OutOfMemory)
    ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory while compiling %s", subject)));
  switch (out.errorKind) {
    case wasm::ErrorKind::Malformed:
      ereport(ERROR, (errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
                      errmsg("%s is not a valid WebAssembly binary: %s", subject, out.message),
                      offsetDetail(out),
                      errhint("Pass the bytes of a .wasm file, for example pg_read_binary_file(...).")));
      break;  // not reached: ereport(ERROR) does not return
    case wasm::ErrorKind::Unsupported:
      ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                      errmsg("%s uses a feature pg-wasm does not support: %s", subject, out.message),
                      offsetDetail(out),
                      errhint("pg-wasm runs WebAssembly 2.0 without SIMD; build the module without "
                              "-msimd128.")));
      break;  // not reached: ereport(ERROR) does not return
    case wasm::ErrorKind::Link:
      ereport(ERROR, (errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
                      errmsg("%s cannot be linked: %s", subject, out.message),
                      errhint("A module may import wasi_snapshot_preview1 functions and the pgwasm "
                              "functions of the ABI (udf-sdk/ABI.md), nothing else.")));
      break;  // not reached: ereport(ERROR) does not return
    case wasm::ErrorKind::Limit:
      ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                      errmsg("%s exceeds a limit: %s", subject, out.message),
                      errhint("See wasm.memory_limit and wasm.max_module_size.")));
      break;  // not reached: ereport(ERROR) does not return
    case wasm::ErrorKind::Trap:
      ereport(ERROR, (errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
                      errmsg("%s trapped while starting: %s", subject, out.message)));
      break;  // not reached: ereport(ERROR) does not return
    case wasm::ErrorKind::Resource:
      ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("cannot load %s: %s", subject, out.message)));
      break;  // not reached: ereport(ERROR) does not return
    case wasm::ErrorKind::Invalid:
    default:
      ereport(ERROR, (errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
                      errmsg("%s is not a valid WebAssembly module: %s", subject, out.message),
                      offsetDetail(out)));
  }
  pg_unreachable();
}

void reportNamedModuleError(const char* moduleName, const Outcome& out) {
  char subject[NAMEDATALEN + 16];
  snprintf(subject, sizeof subject, "module \"%s\"", moduleName);
  reportModuleError(subject, out);
}

wasm::ModuleSummary* inspectModule(const char* moduleName, const uint8_t* bytes, size_t size) {
  Outcome out;
  wasm::ModuleSummary* s = bridgeInspect(bytes, size, &out);
  if (!s) reportNamedModuleError(moduleName, out);
  return s;
}

void reportCallFailure(const char* fname, const Outcome& out) {
  if (void* pending = takePendingError()) ReThrowError(static_cast<ErrorData*>(pending));
  switch (out.status) {
    case Outcome::OutOfMemory:
      ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory in wasm function %s", fname)));
      break;  // not reached: ereport(ERROR) does not return
    case Outcome::Usage:
      ereport(ERROR, (errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
                      errmsg("wasm function %s cannot be called: %s", fname, out.message)));
      break;  // not reached: ereport(ERROR) does not return
    case Outcome::EngineError: {
      if (out.errorKind == wasm::ErrorKind::Limit)
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("wasm function %s exceeded the memory limit: %s", fname, out.message),
                        errdetail("wasm.memory_limit is %llu kB per instance.",
                                  (unsigned long long)(memoryLimitBytes() / 1024)),
                        errhint("Raise wasm.memory_limit if the module needs more memory.")));
      char subject[NAMEDATALEN * 2 + 32];
      snprintf(subject, sizeof subject, "the module of wasm function %s", fname);
      reportModuleError(subject, out);
    }
    case Outcome::Trap:
      switch (out.trap) {
        case wasm::TrapKind::FuelExhausted:
          ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                          errmsg("wasm function %s ran out of fuel", fname),
                          errdetail("The statement's Wasm calls used all of wasm.fuel_limit (%llu instructions).",
                                    (unsigned long long)fuelLimit()),
                          errhint("Raise wasm.fuel_limit for this work, or check the function for an endless loop.")));
          break;  // not reached: ereport(ERROR) does not return
        case wasm::TrapKind::StackExhausted:
          ereport(ERROR, (errcode(ERRCODE_STATEMENT_TOO_COMPLEX),
                          errmsg("wasm function %s exhausted the stack: call stack exhausted", fname),
                          errhint("The guest recursed too deeply; max_stack_depth bounds it.")));
          break;  // not reached: ereport(ERROR) does not return
        case wasm::TrapKind::Interrupted:
          ereport(ERROR, (errcode(ERRCODE_QUERY_CANCELED),
                          errmsg("canceling statement: wasm function %s was interrupted", fname)));
          break;  // not reached: ereport(ERROR) does not return
        case wasm::TrapKind::OutOfMemory:
          ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory in wasm function %s", fname)));
          break;  // not reached: ereport(ERROR) does not return
        default:
          ereport(ERROR, (errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
                          errmsg("wasm function %s trapped: %s", fname, out.message),
                          errdetail("Trap kind: %s.", wasm::trapName(out.trap))));
      }
    case Outcome::Ok: break;
  }
  ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("wasm function %s failed", fname)));
}

}  // namespace pgwasm
