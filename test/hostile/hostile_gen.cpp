// hostile_gen: writes hostile modules (cases.h) to files.
//   hostile_gen --list              every case, with what it tries and what must happen
//   hostile_gen NAME OUT.wasm       one case's module
#include <cstdio>
#include <cstring>

#include "cases.h"

int main(int argc, char** argv) {
  using namespace wasm::hostile;
  if (argc == 2 && strcmp(argv[1], "--list") == 0) {
    for (const Case& c : cases())
      printf("%-24s %s: %s\n", c.name.c_str(), c.compiles ? "compiles" : "refused", c.what.c_str());
    return 0;
  }
  if (argc != 3) {
    fprintf(stderr, "usage: hostile_gen --list | hostile_gen NAME OUT.wasm\n");
    return 2;
  }
  const Case* c = findCase(argv[1]);
  if (!c) {
    fprintf(stderr, "hostile_gen: no case %s (see --list)\n", argv[1]);
    return 2;
  }
  Bytes b = c->build();
  FILE* f = fopen(argv[2], "wb");
  if (!f || fwrite(b.data(), 1, b.size(), f) != b.size() || fclose(f) != 0) {
    fprintf(stderr, "hostile_gen: cannot write %s\n", argv[2]);
    return 1;
  }
  return 0;
}
