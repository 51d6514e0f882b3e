// Compile-speed benchmark: compiles a module several times and prints the best time and
// the throughput in MB/s of code-section bytes (decode + validate + compile + mapping).
//   compile_speed FILE.wasm [REPS] [--fuel] [--bounds explicit|guard]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "wasm/engine.h"
#include "wasm/module.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: compile_speed FILE.wasm [REPS] [--fuel] [--bounds explicit|guard]\n");
    return 2;
  }
  int reps = 5;
  wasm::CompileOptions opts;
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--fuel") == 0) opts.fuel = true;
    else if (strcmp(argv[i], "--bounds") == 0 && i + 1 < argc)
      opts.boundsChecks = strcmp(argv[++i], "explicit") == 0 ? wasm::BoundsChecks::Explicit : wasm::BoundsChecks::Guard;
    else reps = atoi(argv[i]);
  }
  FILE* f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 2;
  }
  std::vector<uint8_t> bytes;
  uint8_t buf[1 << 16];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) bytes.insert(bytes.end(), buf, buf + n);
  fclose(f);
  auto engine = wasm::Engine::create();
  if (!engine.ok()) {
    fprintf(stderr, "%s\n", engine.error().describe().c_str());
    return 1;
  }
  double best = 1e9;
  size_t codeBytes = 0, machineBytes = 0;
  std::vector<uint8_t> artifact;
  for (int r = 0; r < reps; r++) {
    auto t0 = std::chrono::steady_clock::now();
    auto m = engine.value()->compile(bytes.data(), bytes.size(), opts);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!m.ok()) {
      fprintf(stderr, "%s\n", m.error().describe().c_str());
      return 1;
    }
    codeBytes = m.value()->info().codeSectionSize;
    machineBytes = m.value()->codeBytes();
    if (s < best) best = s;
    if (artifact.empty()) artifact = m.value()->serialize();
  }
  // Loading the compiled code from an artifact (what a shared code cache hit costs).
  double bestLoad = 1e9;
  for (int r = 0; r < reps; r++) {
    auto t0 = std::chrono::steady_clock::now();
    auto m = engine.value()->deserialize(artifact.data(), artifact.size());
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!m.ok()) {
      fprintf(stderr, "%s\n", m.error().describe().c_str());
      return 1;
    }
    if (s < bestLoad) bestLoad = s;
  }
  printf("%zu code-section bytes -> %zu machine-code bytes; best of %d: %.6f s = %.1f MB/s\n", codeBytes,
         machineBytes, reps, best, codeBytes / best / 1e6);
  printf("loading its %zu-byte compiled-code artifact: best of %d: %.6f s = %.1f%% of compiling\n",
         artifact.size(), reps, bestLoad, 100 * bestLoad / best);
  return 0;
}
