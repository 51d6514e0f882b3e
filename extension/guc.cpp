// PG zone. Settings. Each limit is PGC_USERSET so that anyone may lower it for their
// session, but a check hook refuses to raise it above the value the administrator set
// (server configuration file, command line or ALTER SYSTEM) unless the user is a
// superuser or has been granted SET on the parameter (GRANT SET ON PARAMETER, PG 15).
#include "pg.h"

#include "bridge.h"
#include "guc.h"
#include "statement.h"

#include <cmath>

namespace pgwasm {

namespace {

double fuelLimitSetting = 1e11;
double callFuelLimitSetting = 1e9;
char* fuelPool = nullptr;
int memoryLimitKb = 128 * 1024;
int backendMemoryLimitKb = 1024 * 1024;
int maxModuleKb = 64 * 1024;
int outputLines = 100;

// The administrator's value of each limit, the ceiling: the last one PostgreSQL read
// from a source at or below PGC_S_GLOBAL, noted by the check hook. Not by the assign
// hook: on a reload PostgreSQL checks the file's new value but does not assign it in a
// session whose own SET hides it, and that session must still be held to it.
double fuelCeiling = 1e11;
double callFuelCeiling = 1e9;
double memoryCeilingKb = 128 * 1024;

// Server configuration and ALTER SYSTEM. Database and role settings can be made by the
// database's owner or the role itself, so they count as the user's.
bool adminSource(GucSource source) { return source <= PGC_S_GLOBAL; }

// ALTER SYSTEM checks its value as if read from the file; it becomes the ceiling only
// when the server reloads and reads it. (pg_file_settings, readable by superusers, checks
// the file's values too: it makes them ceilings a little early, in its own session.)
bool alteringSystem = false;

// While the library defines its settings, PostgreSQL applies again the values that were
// set before it was loaded (placeholders: a SET in the session, ALTER ROLE/DATABASE ...
// SET at login), and the check hook cannot tell who set them. The current user then is
// whoever made the first Wasm call, perhaps a superuser's SECURITY DEFINER function; the
// session's user is the one who could have set them.
bool definingSettings = false;

bool mayRaise(const char* name) {
  if (!IsTransactionState() || !OidIsValid(GetUserId())) return false;
  Oid role = definingSettings ? GetSessionUserId() : GetUserId();
  if (superuser_arg(role)) return true;
  return pg_parameter_aclcheck(name, role, ACL_SET) == ACLCHECK_OK;
}

double unlimitedAsInfinite(double v) { return v == 0 ? HUGE_VAL : v; }

// A new value of a limit: from an administrator's source it becomes the ceiling; from a
// user's it may not exceed the ceiling (0, "no limit", counts as infinite) unless the user
// may raise it.
bool checkLimit(const char* name, double value, double* ceiling, const char* unit, GucSource source) {
  if (adminSource(source)) {
    if (!alteringSystem) *ceiling = value;
    return true;
  }
  if (source == PGC_S_TEST || unlimitedAsInfinite(value) <= unlimitedAsInfinite(*ceiling) || mayRaise(name))
    return true;
  GUC_check_errcode(ERRCODE_INSUFFICIENT_PRIVILEGE);
  GUC_check_errmsg("permission denied to raise \"%s\" above the server's setting", name);
  GUC_check_errdetail("The server allows at most %.0f%s.", *ceiling, unit);
  GUC_check_errhint("A superuser can raise it, or GRANT SET ON PARAMETER %s to a role.", name);
  return false;
}

// Fuel is a whole number of instructions: a fraction rounds up (so that no value but 0
// itself means "no limit"), and what is not a finite number is refused.
bool wholeFuel(const char* name, double* v) {
  if (!std::isfinite(*v)) {
    GUC_check_errdetail("%s must be a finite number of instructions (0 for no limit).", name);
    return false;
  }
  *v = std::ceil(*v);
  return true;
}

bool checkFuel(double* newval, void**, GucSource source) {
  return wholeFuel("wasm.fuel_limit", newval) &&
         checkLimit("wasm.fuel_limit", *newval, &fuelCeiling, " instructions", source);
}
bool checkCallFuel(double* newval, void**, GucSource source) {
  return wholeFuel("wasm.call_fuel_limit", newval) &&
         checkLimit("wasm.call_fuel_limit", *newval, &callFuelCeiling, " instructions", source);
}
// The whole numbers fuel.cpp reads at every call (guc.h).
void assignFuel(double newval, void*) { fuelLimitValue = uint64_t(newval); }
void assignCallFuel(double newval, void*) { callFuelLimitValue = uint64_t(newval); }

bool checkMemory(int* newval, void**, GucSource source) {
  return checkLimit("wasm.memory_limit", *newval, &memoryCeilingKb, " kB", source);  // never 0 (at least 64)
}

void assignBackendMemory(int newval, void*) {
  bridgeConfigure(&InterruptPending, handleJobInterrupt, uint64_t(newval) * 1024);
}

void defineEach();

}  // namespace

void alterSystemBegins(bool begins) { alteringSystem = begins; }

void defineGucs() {
  definingSettings = true;
  PG_TRY();
  {
    defineEach();
  }
  PG_FINALLY();
  {
    definingSettings = false;
  }
  PG_END_TRY();
}

namespace {
void defineEach() {
  DefineCustomRealVariable(
      "wasm.fuel_limit",
      "Fuel (WebAssembly instructions) for all Wasm calls of one statement together.",
      "A statement whose Wasm calls use more fails with an error. 0 turns metering off "
      "(superuser only). Users may lower it; raising it above the server's setting needs "
      "privilege.",
      &fuelLimitSetting, 1e11, 0, 1e18, PGC_USERSET, 0, checkFuel, assignFuel, nullptr);
  DefineCustomRealVariable(
      "wasm.call_fuel_limit", "Fuel (WebAssembly instructions) for one Wasm call.",
      "A call that uses more fails with an error, so an endless loop stops within seconds. 0: no "
      "limit per call (superuser only). Users may lower it; raising it above the server's setting "
      "needs privilege.",
      &callFuelLimitSetting, 1e9, 0, 1e18, PGC_USERSET, 0, checkCallFuel, assignCallFuel, nullptr);
  // Internal: how a parallel query's workers find their leader's fuel budget (fuel.cpp).
  DefineCustomStringVariable("wasm.fuel_pool", "Internal: the statement's shared fuel budget.", nullptr,
                             &fuelPool, "", PGC_SUSET,
                             GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE | GUC_DISALLOW_IN_FILE | GUC_NO_RESET_ALL,
                             nullptr, nullptr, nullptr);
  DefineCustomIntVariable(
      "wasm.memory_limit", "Largest linear memory of one WebAssembly instance.",
      "memory.grow beyond it returns -1; a module that needs more at start fails. Users may "
      "lower it; raising it above the server's setting needs privilege.",
      &memoryLimitKb, 128 * 1024, 64, 4 * 1024 * 1024, PGC_USERSET, GUC_UNIT_KB, checkMemory,
      nullptr, nullptr);
  DefineCustomIntVariable(
      "wasm.backend_memory_limit",
      "Linear memory and tables of all WebAssembly instances of one session together.",
      "Instantiation beyond it fails, and memory.grow and table.grow return -1.", &backendMemoryLimitKb,
      1024 * 1024, 64, INT_MAX, PGC_SUSET, GUC_UNIT_KB, nullptr, assignBackendMemory, nullptr);
  DefineCustomIntVariable(
      "wasm.max_module_size", "Largest WebAssembly module wasm.load_module accepts.", nullptr,
      &maxModuleKb, 64 * 1024, 1, 1024 * 1024, PGC_SUSET, GUC_UNIT_KB, nullptr, nullptr, nullptr);
  DefineCustomIntVariable(
      "wasm.output_lines", "Lines of guest output (WASI stdout and stderr) reported per statement.",
      "Further output of the statement is dropped, with one notice saying how much.", &outputLines,
      100, 0, 1000000, PGC_USERSET, 0, nullptr, nullptr, nullptr);
}
}  // namespace

uint64_t fuelLimitValue = uint64_t(1e11);
uint64_t callFuelLimitValue = uint64_t(1e9);
const char* fuelPoolSetting() { return fuelPool; }
uint64_t memoryLimitBytes() { return uint64_t(memoryLimitKb) * 1024; }
uint64_t backendMemoryLimitBytes() { return uint64_t(backendMemoryLimitKb) * 1024; }
uint64_t maxModuleBytes() { return uint64_t(maxModuleKb) * 1024; }
int outputLineLimit() { return outputLines; }

}  // namespace pgwasm
