// Engine zone. SAFETY-CRITICAL. The bounds of one decode, validate or compile job: the
// compile work it may still do (limits.h) and the embedder's interrupt, which it polls
// between sections and functions and within long function bodies, so that a hostile
// module can neither keep a job busy out of proportion to its size nor make it ignore a
// cancel.
#pragma once

#include <csignal>
#include <cstddef>
#include <cstdint>

#include "wasm/engine.h"
#include "wasm/limits.h"
#include "wasm/result.h"

namespace wasm {

class Job {
 public:
  // A job over a module of moduleBytes bytes, interruptible as config says.
  Job(const EngineConfig& config, size_t moduleBytes);
  // The same budget, never interrupted (internal users and tests).
  explicit Job(size_t moduleBytes);

  // False when the job must stop: the flag is set and the handler (if any) says so. Once
  // false, always false.
  bool poll() {
    if (stopped_) return false;
    if (!flag_ || !*flag_) return true;
    return askHandler();
  }
  bool stopped() const { return stopped_; }
  Error interruptedError() const;

  // Takes units of compile work from the budget; false (and the budget stays spent) when
  // it does not hold them.
  bool charge(uint64_t units) {
    if (units > workLeft_) {
      workLeft_ = 0;
      return false;
    }
    workLeft_ -= units;
    return true;
  }
  uint64_t workBudget() const { return workBudget_; }
  Error workError(uint64_t offset) const;

  // Machine code the module's compilation may produce.
  uint64_t codeBudget() const { return codeBudget_; }

 private:
  bool askHandler();
  volatile sig_atomic_t* flag_ = nullptr;
  JobInterruptHandler handler_ = nullptr;
  void* env_ = nullptr;
  bool stopped_ = false;
  uint64_t workBudget_ = 0;
  uint64_t workLeft_ = 0;
  uint64_t codeBudget_ = 0;
};

}  // namespace wasm
