// Spec harness. Runs the commands of one script in a fresh Store and reports a verdict for
// each (see report.h).
#pragma once

#include "report.h"
#include "script.h"
#include "wasm/engine.h"

namespace spec {

// Runs script in a new Store of engine, compiling every module with `options` (with fuel
// metering on, the store gets an effectively unlimited budget). Wasm calls get
// `stackBudget` bytes of stack below the caller's frame.
void runScript(wasm::Engine& engine, const Script& script, const wasm::CompileOptions& options,
               bool verbose, size_t stackBudget, Report* report);

}  // namespace spec
