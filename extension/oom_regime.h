// PG zone. C++ heap exhaustion and stray exceptions as a clean FATAL (oom_regime.cpp).
#pragma once

namespace pgwasm {

// From _PG_init, before any C++ allocation of the extension.
void installOomRegime();

}  // namespace pgwasm
