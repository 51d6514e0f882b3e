// Spec harness. spec_runner [-v] [--fuel] [--bounds explicit|guard] FILE.json...: runs wast2json scripts of the WebAssembly
// spec suite against the engine, one fresh Store per file, and prints per-file counts, one
// list of skipped and failed commands by reason, and "N passed, N failed".
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "report.h"
#include "script.h"
#include "script_runner.h"
#include "wasm/engine.h"

namespace {

// Stack for Wasm calls below runScript's frame. The main thread has 8 MiB by default;
// this leaves ample room for the harness, host functions and signal handling.
constexpr size_t kStackBudget = 4u << 20;

std::string baseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

int main(int argc, char** argv) {
  bool verbose = false;
  wasm::CompileOptions options;
  std::vector<std::string> files;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-v") == 0) {
      verbose = true;
    } else if (strcmp(argv[i], "--fuel") == 0) {
      options.fuel = true;
    } else if (strcmp(argv[i], "--bounds") == 0 && i + 1 < argc) {
      const char* mode = argv[++i];
      if (strcmp(mode, "guard") == 0) {
        options.boundsChecks = wasm::BoundsChecks::Guard;
      } else if (strcmp(mode, "explicit") == 0) {
        options.boundsChecks = wasm::BoundsChecks::Explicit;
      } else {
        fprintf(stderr, "spec_runner: --bounds takes explicit or guard\n");
        return 2;
      }
    } else if (argv[i][0] == '-') {
      fprintf(stderr, "spec_runner: unknown option %s\n", argv[i]);
      return 2;
    } else {
      files.push_back(argv[i]);
    }
  }
  if (files.empty()) {
    fprintf(stderr, "usage: spec_runner [-v] [--fuel] [--bounds explicit|guard] FILE.json...\n");
    return 2;
  }

  auto engine = wasm::Engine::create();
  if (!engine.ok()) {
    fprintf(stderr, "spec_runner: cannot create engine: %s\n", engine.error().describe().c_str());
    return 2;
  }

  spec::Report report(verbose);
  for (const std::string& file : files) {
    spec::Script script;
    std::string error;
    if (!spec::loadScript(file, &script, &error)) {
      report.fileError(baseName(file), error);
      continue;
    }
    report.beginFile(baseName(file));
    spec::runScript(*engine.value(), script, options, verbose, kStackBudget, &report);
    report.endFile();
  }
  return report.printSummary(stdout) ? 0 : 1;
}
