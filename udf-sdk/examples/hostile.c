/* Hostile guests: each export misbehaves in one way. The engine must stop every one of
 * them with a trap or an error and stay healthy for the next call. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pgwasm.h>

#define EXPORT(name) PGWASM_EXPORT(name)

/* Keeps the optimizer from proving the loops and recursion away. */
static volatile int32_t sink;

EXPORT(infinite_loop) int32_t infinite_loop(void) {
  for (;;) sink++;
}

/* Not a tail call (and not one of the shapes LLVM's accumulator elimination rewrites),
 * so every level needs a real frame. */
EXPORT(deep_recursion) int32_t deep_recursion(int32_t n) {
  if (sink == -1) return 0;
  return deep_recursion(n + 1) * 3 + n;
}

/* Grows linear memory by 64 KiB pages until growth fails; returns the pages obtained. */
EXPORT(memory_bomb) int32_t memory_bomb(void) {
  int32_t pages = 0;
  while (__builtin_wasm_memory_grow(0, 1) != (size_t)-1) pages++;
  return pages;
}

EXPORT(out_of_bounds) int32_t out_of_bounds(void) {
  volatile int32_t* p = (volatile int32_t*)0xFFFFFFF0u;
  return *p;
}

EXPORT(unreachable) int32_t unreachable(void) { __builtin_trap(); }

EXPORT(divide) int32_t divide(int32_t a, int32_t b) { return a / b; }
