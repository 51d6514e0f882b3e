// Spec harness. Script values against engine values: building arguments, matching results
// (exact bits, NaN patterns, references) and printing both for failure messages.
#pragma once

#include <string>

#include "script.h"
#include "wasm/types.h"

namespace spec {

// The engine value for an argument (Kind::Bits only; the caller rejects the rest).
wasm::Value toEngineValue(const SpecValue& v);
bool matches(const SpecValue& expected, const wasm::Value& actual);
// "i32:42", "f32:1.5 (0x3fc00000)", "f64:nan:canonical", "externref:3", "funcref:non-null"
std::string describe(const SpecValue& v);
std::string describe(const wasm::Value& v);

}  // namespace spec
