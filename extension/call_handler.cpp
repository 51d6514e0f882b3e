// PG zone. The LANGUAGE wasm call handler: the fmgr entry of every wasm function, which
// runs scalar functions here, set-returning ones in set_function.cpp, triggers in
// trigger_function.cpp and window functions in window_function.cpp, on their call
// site (call_site.h).
#include "agg_state.h"
#include "call_site.h"
#include "set_function.h"
#include "trigger_function.h"
#include "window_function.h"

extern "C" {
PG_FUNCTION_INFO_V1(wasm_call_handler);
}

namespace pgwasm {

namespace {

Datum callFunction(FunctionCallInfo fcinfo) {
  CallSite* fc = getCallSite(fcinfo);
  if (__builtin_expect(fc->shape.trigger | fc->shape.window, 0)) {
    if (fc->shape.trigger)
      ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                      errmsg("trigger functions can only be called as triggers")));
    return callWindowFunction(fcinfo, fc);
  }
  if (__builtin_expect(fc->shape.states, 0)) return callWithStates(fcinfo, fc);
  ExportResult r = callExport(fc, fcinfo->args);
  return sqlResult(fcinfo, fc, fc->own, r);
}

}  // namespace

}  // namespace pgwasm

extern "C" Datum wasm_call_handler(PG_FUNCTION_ARGS) {
  // The rows of a plain scalar function after its statement's first (call_site.h). A
  // plain function is never a trigger or an event trigger, and never returns a set.
  pgwasm::CallSite* fc = static_cast<pgwasm::CallSite*>(fcinfo->flinfo->fn_extra);
  if (__builtin_expect(fc && fc->plain && pgwasm::statementState.nesting != 0 &&
                           fc->generation == pgwasm::statementGeneration() && fc->own && fc->own->runtime,
                       1))
    return pgwasm::callPlain(fcinfo, fc);
  if (CALLED_AS_TRIGGER(fcinfo)) return pgwasm::callTrigger(fcinfo);
  if (CALLED_AS_EVENT_TRIGGER(fcinfo))
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("wasm functions cannot be event triggers")));
  if (fcinfo->flinfo->fn_retset) return pgwasm::callSetFunction(fcinfo);
  return pgwasm::callFunction(fcinfo);
}
