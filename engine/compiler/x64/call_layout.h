// Engine zone. Where each parameter and result of a signature lives under the internal
// calling convention (abi.h). Shared by the compiler, the entry trampoline marshalling and
// the host-call dispatcher, so all three agree by construction.
#pragma once

#include <vector>

#include "compiler/x64/abi.h"
#include "wasm/types.h"

namespace wasm::x64 {

struct CallLayout {
  std::vector<ArgLoc> params;
  std::vector<ArgLoc> results;
  uint32_t stackSlots = 0;  // max(stack params, stack results)

  static CallLayout of(const FuncType& type) {
    CallLayout l;
    uint32_t nextInt = 0, nextFloat = 0, slot = 0;
    l.params.reserve(type.params.size());
    for (ValType t : type.params) {
      if (isFloat(t) && nextFloat < kNumFloatArgRegs) l.params.push_back({kFloatArgRegs[nextFloat++], 0});
      else if (!isFloat(t) && nextInt < kNumIntArgRegs) l.params.push_back({kIntArgRegs[nextInt++], 0});
      else l.params.push_back({kNoReg, slot++});
    }
    uint32_t resultSlots = 0;
    l.results.reserve(type.results.size());
    for (size_t i = 0; i < type.results.size(); i++) {
      if (i == 0) l.results.push_back({isFloat(type.results[0]) ? kFloatResultReg : kIntResultReg, 0});
      else l.results.push_back({kNoReg, resultSlots++});
    }
    l.stackSlots = slot > resultSlots ? slot : resultSlots;
    return l;
  }
};

}  // namespace wasm::x64
