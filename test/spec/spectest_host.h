// Spec harness. The `spectest` host module every spec script may import from: print
// functions, four immutable globals, a table and a memory (see the suite's README).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "wasm/engine.h"

namespace spec {

class SpectestHost {
 public:
  // Creates the module's objects in store. The SpectestHost must outlive the store's calls.
  // verbose: print functions print their arguments to stdout.
  bool create(wasm::Store& store, bool verbose, std::string* error);
  // The export called name, or false.
  bool lookup(const std::string& name, wasm::Extern* out) const;

  struct PrintEnv {
    const char* name;
    const bool* verbose;
    size_t numParams;
  };

 private:
  bool verbose_ = false;
  std::vector<PrintEnv> envs_;
  std::vector<std::pair<std::string, wasm::Extern>> exports_;
};

}  // namespace spec
