// libFuzzer target: damaged compiled-code artifacts. The input is a Wasm module followed
// by a damage recipe: the module is compiled and serialized, the recipe flips bytes of the
// artifact (anywhere: header, binary, offsets, code) or cuts it short, and the result goes
// through Engine::deserialize and, from a memfd mapping, Engine::deserializeMapped. Loading
// never runs code, so neither may crash, hang, leak or trip a sanitizer, whatever the
// damage; a mapping must be released exactly once, and a refused artifact must leave
// nothing mapped. (The extension checks a CRC before loading; this is the engine's own
// defence in depth.)
//   input: u16 little-endian module length | module | recipe: (u32 offset, u8 xor)* [u8 cut]
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "wasm/engine.h"

namespace {

void countRelease(void* arg) { ++*static_cast<int*>(arg); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  size_t moduleLen = size_t(data[0]) | size_t(data[1]) << 8;
  if (moduleLen > size - 2) return 0;
  const uint8_t* module = data + 2;
  const uint8_t* recipe = module + moduleLen;
  size_t recipeLen = size - 2 - moduleLen;

  auto engine = wasm::Engine::create();
  if (!engine.ok()) abort();
  auto compiled = engine.value()->compile(module, moduleLen, wasm::CompileOptions{});
  if (!compiled.ok()) return 0;
  std::vector<uint8_t> art = compiled.value()->serialize();
  size_t i = 0;
  for (; i + 5 <= recipeLen; i += 5) {
    uint32_t off;
    memcpy(&off, recipe + i, 4);
    art[off % art.size()] ^= recipe[i + 4] ? recipe[i + 4] : 1;
  }
  if (i < recipeLen && art.size() > 1) art.resize(recipe[i] % art.size() + 1);  // cut short

  auto copied = engine.value()->deserialize(art.data(), art.size());
  (void)copied;

  int fd = int(syscall(SYS_memfd_create, "artifact", 0));
  if (fd < 0) abort();
  if (write(fd, art.data(), art.size()) != ssize_t(art.size())) abort();
  void* p = mmap(nullptr, art.size(), PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  if (p == MAP_FAILED) abort();
  int released = 0;
  {
    auto mapped = engine.value()->deserializeMapped(static_cast<uint8_t*>(p), art.size(), countRelease, &released);
    if (!mapped.ok() && released != 1) abort();  // a refused artifact is let go at once
  }
  if (released != 1) abort();  // and a loaded one when its module ends
  return 0;
}
