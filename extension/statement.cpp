// PG zone. Statement boundaries, fuel budget, output quota; PostgreSQL interrupts and stack
// depth as the engine sees them.
//
// A statement is what one command from the client runs: it begins when the executor or
// ProcessUtility is entered at nesting level 0 under a statement start time (PostgreSQL's
// statement_timestamp(), set for each client message) other than the current
// statement's, or when a Wasm call is made at level 0 under such a time (the planner
// folding a function into a constant, before the executor starts), and at every
// transaction end at top level (which also covers work outside any statement, such as
// autovacuum's ANALYZE evaluating index expressions). Work within one command (planning,
// deferred triggers at the implicit commit, partition pruning) is thus part of that
// command's statement, with its fuel and output quota. Hooks are chained.
#include "pg.h"

#include <pthread.h>

#include "fuel.h"
#include "guc.h"
#include "module_owners.h"
#include "pg_guard.h"
#include "statement.h"

PGWASM_PG_HEADERS_BEGIN
#include "tcop/tcopprot.h"
PGWASM_PG_HEADERS_END

namespace pgwasm {

StatementState statementState = {1, 0, 0};

namespace {

int& nesting = statementState.nesting;
ErrorData* pendingError = nullptr;

ExecutorStart_hook_type prevExecutorStart = nullptr;
ExecutorRun_hook_type prevExecutorRun = nullptr;
ExecutorFinish_hook_type prevExecutorFinish = nullptr;
ProcessUtility_hook_type prevProcessUtility = nullptr;

TimestampTz statementStart = 0;  // of the current statement

void beginStatement(bool atBoundary) {
  statementStart = GetCurrentStatementStartTimestamp();
  statementState.generation++;
  statementState.outputLinesLeft = outputLineLimit();
  fuelBeginStatement(atBoundary);
}

// Entering the executor or ProcessUtility.
void enter() {
  if (nesting == 0 && GetCurrentStatementStartTimestamp() != statementStart) beginStatement(true);
}

}  // namespace

void enterCallAtTopLevel() { enter(); }

namespace {

void onExecutorStart(QueryDesc* queryDesc, int eflags) {
  enter();
  fuelPrepareParallel(queryDesc);
  if (prevExecutorStart) prevExecutorStart(queryDesc, eflags);
  else standard_ExecutorStart(queryDesc, eflags);
}

void onExecutorRun(QueryDesc* queryDesc, ScanDirection direction, uint64 count, bool execute_once) {
  nesting++;
  PG_TRY();
  {
    if (prevExecutorRun) prevExecutorRun(queryDesc, direction, count, execute_once);
    else standard_ExecutorRun(queryDesc, direction, count, execute_once);
  }
  PG_FINALLY();
  {
    nesting--;
  }
  PG_END_TRY();
}

void onExecutorFinish(QueryDesc* queryDesc) {
  nesting++;
  PG_TRY();
  {
    if (prevExecutorFinish) prevExecutorFinish(queryDesc);
    else standard_ExecutorFinish(queryDesc);
  }
  PG_FINALLY();
  {
    nesting--;
  }
  PG_END_TRY();
  // A parallel worker's part of the statement ends here: its unspent fuel and its call
  // count go to the pool, where the leader finds them.
  if (IsParallelWorker()) fuelSettlePool();
}

void onProcessUtility(PlannedStmt* pstmt, const char* queryString, bool readOnlyTree,
                      ProcessUtilityContext context, ParamListInfo params, QueryEnvironment* queryEnv,
                      DestReceiver* dest, QueryCompletion* qc) {
  enter();
  fuelPrepareUtility(pstmt->utilityStmt);
  bool alterSystem = IsA(pstmt->utilityStmt, AlterSystemStmt);
  nesting++;
  PG_TRY();
  {
    if (alterSystem) alterSystemBegins(true);
    beforeUtility(pstmt->utilityStmt);
    if (prevProcessUtility)
      prevProcessUtility(pstmt, queryString, readOnlyTree, context, params, queryEnv, dest, qc);
    else
      standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params, queryEnv, dest, qc);
  }
  PG_FINALLY();
  {
    nesting--;
    if (alterSystem) alterSystemBegins(false);
  }
  PG_END_TRY();
}

void onXactEvent(XactEvent event, void*) {
  switch (event) {
    case XACT_EVENT_COMMIT:
    case XACT_EVENT_ABORT:
    case XACT_EVENT_PARALLEL_COMMIT:
    case XACT_EVENT_PARALLEL_ABORT:
    case XACT_EVENT_PREPARE:
      fuelEndTransaction();
      pendingError = nullptr;  // its memory context is gone
      // Instances never outlive a transaction. Inside a statement (a COMMIT or ROLLBACK
      // in a procedure or DO block) the statement goes on, and keeps its fuel budget and
      // output quota; at top level (and after errors, which unwind every level) the next
      // work is a new statement.
      if (nesting > 0) statementState.generation++;
      else beginStatement(false);
      break;
    default: break;
  }
}

}  // namespace

void installStatementHooks() {
  prevExecutorStart = ExecutorStart_hook;
  ExecutorStart_hook = onExecutorStart;
  prevExecutorRun = ExecutorRun_hook;
  ExecutorRun_hook = onExecutorRun;
  prevExecutorFinish = ExecutorFinish_hook;
  ExecutorFinish_hook = onExecutorFinish;
  prevProcessUtility = ProcessUtility_hook;
  ProcessUtility_hook = onProcessUtility;
  RegisterXactCallback(onXactEvent, nullptr);
  beginStatement(false);
  fuelLoadedMidStatement();
}


namespace {
// The top of this process's stack: PostgreSQL's stack base where it keeps one (a backend
// under the postmaster), else the top of the stack's own mapping (a single-user backend,
// postgres --single, where PostgreSQL 15 sets none and check_stack_depth checks nothing).
char* stackBase() {
  // PostgreSQL keeps its stack base private; set_stack_base() returns it.
  pg_stack_base_t old = set_stack_base();
  restore_stack_base(old);
  if (old) return old;
  pthread_attr_t attr;
  void* low = nullptr;
  size_t size = 0;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    int rc = pthread_attr_getstack(&attr, &low, &size);
    pthread_attr_destroy(&attr);
    if (rc == 0 && low) return static_cast<char*>(low) + size;
  }
  // Unknown: this frame, which is below the true base by what is live now (the limit is
  // then that much deeper, within the stack's rlimit, which max_stack_depth stays under).
  return static_cast<char*>(__builtin_frame_address(0));
}
}  // namespace

uintptr_t wasmStackLimit() {
  static char* base = nullptr;
  if (!base) base = stackBase();
  uintptr_t top = uintptr_t(base), depth = uintptr_t(max_stack_depth) * 1024;
  return top > depth ? top - depth : top;  // never wraps to "no limit"
}

volatile sig_atomic_t* interruptFlag() { return &InterruptPending; }

// Runs on the Wasm code's stack when InterruptPending is set. Benign interrupts (barriers,
// parallel messages, ...) are processed and the Wasm code goes on; an ERROR (cancel,
// statement_timeout) is caught here, never longjmps through JIT frames, and is re-thrown
// by the caller once the engine has unwound. FATAL (terminate) exits the process cleanly.
wasm::TrapKind handleInterrupt(void*) {
  return guarded([] { CHECK_FOR_INTERRUPTS(); }) ? wasm::TrapKind::None : wasm::TrapKind::Interrupted;
}

// The same for a compile job: true stops it (bridge.h, EngineConfig).
bool handleJobInterrupt(void*) { return handleInterrupt(nullptr) != wasm::TrapKind::None; }

void* takePendingError() {
  ErrorData* e = pendingError;
  pendingError = nullptr;
  return e;
}

void setPendingError(void* errorData) {
  if (pendingError) FreeErrorData(pendingError);
  pendingError = static_cast<ErrorData*>(errorData);
}

}  // namespace pgwasm
