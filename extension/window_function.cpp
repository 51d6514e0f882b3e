// PG zone. Window functions (udf-sdk/ABI.md, "Window functions"). PostgreSQL calls one for
// each row of each partition, in order, and passes no arguments: the call reads the
// current row's (WinGetFuncArgCurrent) and calls the export with them and the row's
// position in its partition (0 starts a partition: the guest resets what it keeps per
// partition). During the call the guest reads the partition and the frame through the
// pgwasm.win_* imports (window_imports.cpp), which see the WindowObject in the instance's
// env. The call site's instance lives for the statement, as a scalar function's does: so
// does what the guest keeps, across partitions; and to the end of a partition that a
// cursor's FETCHes return over several statements (call_site.cpp). STRICT does not apply, as for PostgreSQL's
// own window functions: NULL arguments arrive as such (pgwasm.arg_is_null).
#include "window_function.h"

#include "call_site.h"

PGWASM_PG_HEADERS_BEGIN
#include "windowapi.h"
PGWASM_PG_HEADERS_END

namespace pgwasm {

bool windowInPartition(FunctionCallInfo fcinfo) {
  WindowObject w = PG_WINDOW_OBJECT();
  return WindowObjectIsValid(w) && WinGetCurrentPosition(w) > 0;
}

Datum callWindowFunction(FunctionCallInfo fcinfo, CallSite* fc) {
  WindowObject w = PG_WINDOW_OBJECT();
  if (!WindowObjectIsValid(w))
    ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE),
                    errmsg("wasm window function %s can only be called with an OVER clause", fc->name)));
  const CallShape& s = fc->shape;
  NullableDatum argv[FUNC_MAX_ARGS];
  for (int i = 0; i < s.nargs; i++) argv[i].value = WinGetFuncArgCurrent(w, i, &argv[i].isnull);
  int64 row = WinGetCurrentPosition(w);
  GuestInstance* g = fc->own;
  g->state.window = w;
  g->state.windowArgs = s.args;
  ExportResult r = callExportIn(fc, g, nullptr, argv, uint64_t(row));
  g->state.window = nullptr;
  return sqlResult(fcinfo, fc, g, r);
}

}  // namespace pgwasm
