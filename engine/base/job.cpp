// Engine zone. Job: work and code budgets, interrupt polling.
#include "base/job.h"

namespace wasm {

Job::Job(size_t moduleBytes) {
  workBudget_ = limits::kCompileWorkBase + limits::kCompileWorkPerByte * uint64_t(moduleBytes);
  workLeft_ = workBudget_;
  uint64_t code = limits::kCodeBytesBase + limits::kCodeBytesPerByte * uint64_t(moduleBytes);
  codeBudget_ = code < limits::kMaxCodeBytes ? code : limits::kMaxCodeBytes;
}

Job::Job(const EngineConfig& config, size_t moduleBytes) : Job(moduleBytes) {
  flag_ = config.interruptFlag;
  handler_ = config.interruptHandler;
  env_ = config.interruptEnv;
}

bool Job::askHandler() {
  if (!handler_ || handler_(env_)) stopped_ = true;
  return !stopped_;
}

Error Job::interruptedError() const {
  return makeError(ErrorKind::Interrupted, kNoOffset, "interrupted by the embedder");
}

Error Job::workError(uint64_t offset) const {
  return makeError(ErrorKind::Limit, offset,
                   "the module needs more than %llu units of compile work (%llu per byte of module "
                   "plus %llu): too many values moved by calls, branches and blocks",
                   (unsigned long long)workBudget_, (unsigned long long)limits::kCompileWorkPerByte,
                   (unsigned long long)limits::kCompileWorkBase);
}

}  // namespace wasm
