// PG zone. EXPLAIN (ANALYZE) of a statement that ran Wasm shows what it cost: calls,
// instances made, fuel used (its parallel workers' included), and the time spent
// compiling and instantiating, in a "WebAssembly" group after the plan, like PostgreSQL's
// own JIT summary. The ExplainOneQuery hook plans and explains as PostgreSQL does and
// remembers which plan is being explained; the ExecutorEnd hook, called for it inside
// its EXPLAIN output, adds the group.
#include "pg.h"

#include "explain.h"
#include "fuel.h"

PGWASM_PG_HEADERS_BEGIN
#include "commands/explain.h"
#include "executor/instrument.h"
#include "optimizer/planner.h"
#include "tcop/tcopprot.h"
PGWASM_PG_HEADERS_END

namespace pgwasm {

namespace {

ExplainOneQuery_hook_type prevExplainOneQuery = nullptr;
ExecutorEnd_hook_type prevExecutorEnd = nullptr;
ExplainState* explaining = nullptr;  // the EXPLAIN ANALYZE being output, its plan, and
PlannedStmt* explainedPlan = nullptr;  // the statement's counts before it ran
WasmStats explainedFrom{};

void explainOneQuery(Query* query, int cursorOptions, IntoClause* into, ExplainState* es, const char* queryString,
                     ParamListInfo params, QueryEnvironment* queryEnv) {
  if (prevExplainOneQuery) {
    prevExplainOneQuery(query, cursorOptions, into, es, queryString, params, queryEnv);
    return;
  }
  // As ExplainOneQuery does (explain.c), with the plan remembered.
  instr_time planStart, planDuration;
  BufferUsage bufStart, bufUsage;
  if (es->buffers) bufStart = pgBufferUsage;
  INSTR_TIME_SET_CURRENT(planStart);
  PlannedStmt* plan = pg_plan_query(query, queryString, cursorOptions, params);
  INSTR_TIME_SET_CURRENT(planDuration);
  INSTR_TIME_SUBTRACT(planDuration, planStart);
  if (es->buffers) {
    memset(&bufUsage, 0, sizeof bufUsage);
    BufferUsageAccumDiff(&bufUsage, &pgBufferUsage, &bufStart);
  }
  ExplainState* outerEs = explaining;
  PlannedStmt* outerPlan = explainedPlan;
  WasmStats outerFrom = explainedFrom;
  explaining = es->analyze ? es : nullptr;
  explainedPlan = plan;
  explainedFrom = statementStats();
  PG_TRY();
  {
    ExplainOnePlan(plan, into, es, queryString, params, queryEnv, &planDuration, es->buffers ? &bufUsage : nullptr);
  }
  PG_FINALLY();
  {
    explaining = outerEs;
    explainedPlan = outerPlan;
    explainedFrom = outerFrom;
  }
  PG_END_TRY();
}

// What the explained query did: the statement's counts now, less those before it ran.
void addSummary(ExplainState* es) {
  WasmStats s = statementStats();
  s.calls -= explainedFrom.calls;
  s.instances -= explainedFrom.instances;
  s.fuel -= explainedFrom.fuel;
  s.compileSeconds -= explainedFrom.compileSeconds;
  s.instantiateSeconds -= explainedFrom.instantiateSeconds;
  if (s.calls == 0 && s.instances == 0) return;
  if (es->format == EXPLAIN_FORMAT_TEXT) {
    appendStringInfoSpaces(es->str, es->indent * 2);
    appendStringInfoString(es->str, "WebAssembly:\n");
    es->indent++;
  }
  ExplainOpenGroup("WebAssembly", "WebAssembly", true, es);
  ExplainPropertyUInteger("Calls", nullptr, s.calls, es);
  ExplainPropertyUInteger("Instances", nullptr, s.instances, es);
  if (fuelMetered()) ExplainPropertyUInteger("Fuel", nullptr, s.fuel, es);
  if (es->timing) {
    ExplainPropertyFloat("Compile Time", "ms", s.compileSeconds * 1000.0, 3, es);
    ExplainPropertyFloat("Instantiate Time", "ms", s.instantiateSeconds * 1000.0, 3, es);
  }
  ExplainCloseGroup("WebAssembly", "WebAssembly", true, es);
  if (es->format == EXPLAIN_FORMAT_TEXT) es->indent--;
}

void executorEnd(QueryDesc* queryDesc) {
  if (explaining && queryDesc->plannedstmt == explainedPlan) {
    ExplainState* es = explaining;
    explaining = nullptr;  // once
    addSummary(es);
  }
  if (prevExecutorEnd) prevExecutorEnd(queryDesc);
  else standard_ExecutorEnd(queryDesc);
}

}  // namespace

void installExplainHooks() {
  prevExplainOneQuery = ExplainOneQuery_hook;
  ExplainOneQuery_hook = explainOneQuery;
  prevExecutorEnd = ExecutorEnd_hook;
  ExecutorEnd_hook = executorEnd;
}

}  // namespace pgwasm
