// The documented compile bounds (README.md, "Implementation limits") and how the hostile
// tests and fuzz_bounds measure a compile against them: CPU time of this process and the
// peak resident memory above what it held before.
#pragma once

#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace wasm::hostile {

constexpr double kCompileSecondsBase = 0.5;
constexpr double kCompileSecondsPerByte = 0.5e-6;
constexpr double kCompileMemoryBase = 64.0 * (1 << 20);
constexpr double kCompileMemoryPerByte = 64;

inline double cpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

// VmRSS or VmHWM of this process, in bytes.
inline double statusBytes(const char* field) {
  FILE* f = fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  double v = 0;
  size_t n = strlen(field);
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, field, n) == 0 && line[n] == ':') v = atof(line + n + 1) * 1024;
  }
  fclose(f);
  return v;
}

// Resets VmHWM to the current resident size, so that the next peak is this run's.
inline void resetPeakMemory() {
  if (FILE* f = fopen("/proc/self/clear_refs", "w")) {
    fputs("5", f);
    fclose(f);
  }
}

}  // namespace wasm::hostile
