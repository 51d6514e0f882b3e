// PG zone. The extension's settings (wasm.*), see guc.cpp for their meaning and scope.
#pragma once

#include <cstdint>

namespace pgwasm {

void defineGucs();
// Around ALTER SYSTEM (statement.cpp): the values it checks are not the server's yet.
void alterSystemBegins(bool begins);

// Effective values.
// The fuel limits as whole numbers, kept by their assign hooks: read at every call.
extern uint64_t fuelLimitValue, callFuelLimitValue;
inline uint64_t fuelLimit() { return fuelLimitValue; }          // instructions per statement; 0 = no limit
inline uint64_t callFuelLimit() { return callFuelLimitValue; }  // instructions per call; 0 = no limit
const char* fuelPoolSetting();  // wasm.fuel_pool (fuel.cpp)
uint64_t memoryLimitBytes();  // per instance
uint64_t backendMemoryLimitBytes();  // all instances of the backend
uint64_t maxModuleBytes();
int outputLineLimit();      // guest output lines per statement before suppression

}  // namespace pgwasm
