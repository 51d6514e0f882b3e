// PG zone. Engine outcomes to ERRORs:
//   malformed module 22P03, invalid module or link failure 42P13, unsupported feature 0A000,
//   trap 38000 (trap kind in the message), fuel or memory limit 54000 (hint names the GUC),
//   stack exhausted 54001, cancel and statement_timeout PostgreSQL's own 57014, engine
//   out of memory 53200.
#include "pg.h"

#include "error_report.h"
#include "fuel.h"
#include "guc.h"
#include "module_store.h"
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
  switch (out.errorKind) {
    case wasm::ErrorKind::Interrupted:
      // The job stopped for a cancel or a timeout, whose ERROR the guard parked.
      if (void* pending = takePendingError()) ReThrowError(static_cast<ErrorData*>(pending));
      ereport(ERROR, (errcode(ERRCODE_QUERY_CANCELED), errmsg("canceling statement: loading %s was interrupted",
                                                               subject)));
      break;  // not reached: ereport(ERROR) does not return
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
                      errmsg("%s exceeds a limit: %s", subject, out.message), offsetDetail(out),
                      errhint("pg-wasm's implementation limits are listed in its README; memory is bounded by "
                              "wasm.memory_limit and wasm.backend_memory_limit.")));
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

const ModuleFacts* inspectModule(const char* moduleName, const uint8_t sha256[32], const uint8_t* bytes,
                                 size_t size) {
  Outcome out;
  const ModuleFacts* f = bridgeInspect(sha256, bytes, size, &out);
  if (!f) reportNamedModuleError(moduleName, out);
  return f;
}

bool storedModuleFacts(const char* moduleName, const ModuleFacts** facts) {
  ModuleRow row;
  if (!lookupModule(moduleName, false, &row)) return false;
  if ((*facts = bridgeCachedFacts(row.sha256))) return true;
  if (!lookupModule(moduleName, true, &row)) return false;  // dropped meanwhile (not in this snapshot)
  *facts = inspectModule(moduleName, row.sha256, reinterpret_cast<const uint8_t*>(VARDATA_ANY(row.bytes)),
                         VARSIZE_ANY_EXHDR(row.bytes));
  pfree(row.bytes);
  return true;
}

void reportCallFailure(const char* fname, const Outcome& out, const char* trapDetail) {
  if (void* pending = takePendingError()) ReThrowError(static_cast<ErrorData*>(pending));
  switch (out.status) {
    case Outcome::Usage:
      ereport(ERROR, (errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
                      errmsg("wasm function %s cannot be called: %s", fname, out.message)));
      break;  // not reached: ereport(ERROR) does not return
    case Outcome::EngineError: {
      if (out.errorKind == wasm::ErrorKind::Limit)
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("wasm function %s exceeded the memory limit: %s", fname, out.message),
                        errdetail("wasm.memory_limit is %llu kB per instance (linear memory and tables), "
                                  "wasm.backend_memory_limit %llu kB for all instances and compiled modules "
                                  "of the session.",
                                  (unsigned long long)(memoryLimitBytes() / 1024),
                                  (unsigned long long)(backendMemoryLimitBytes() / 1024)),
                        strstr(out.message, "memory ceiling")
                            ? errhint("A superuser can raise wasm.backend_memory_limit, or the statement can "
                                      "use fewer modules and call sites at once.")
                            : errhint("Raise wasm.memory_limit if the module needs more memory.")));
      char subject[NAMEDATALEN * 2 + 32];
      snprintf(subject, sizeof subject, "the module of wasm function %s", fname);
      reportModuleError(subject, out);
    }
    case Outcome::Trap:
      switch (out.trap) {
        case wasm::TrapKind::FuelExhausted:
          reportOutOfFuel(fname);
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
                          trapDetail && trapDetail[0] ? errdetail("%s", trapDetail) : 0));
      }
    case Outcome::Ok: break;
  }
  ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("wasm function %s failed", fname)));
}

}  // namespace pgwasm
