// PG zone. The pgwasm.win_* host functions of window functions (window_imports.cpp).
#pragma once

#include "host_imports.h"

namespace pgwasm {

extern const HostImport kWindowImports[];
extern const int kNumWindowImports;

}  // namespace pgwasm
