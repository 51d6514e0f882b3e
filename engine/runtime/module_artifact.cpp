// Engine zone. Compiled-code artifacts: Module::serialize and Engine::deserialize, for
// code caches shared between processes. An artifact is
//   header | the module's binary | machine code | per-function code offsets
// and holds no pointer: the machine code is position independent (calls are relative,
// everything else goes through the VMContext), so a loading process only copies it into
// its own executable memory and decodes the binary's sections (bodies are not decoded,
// validated or compiled again).
#include <cstring>

#include "build_id.h"
#include "compiler/compiler.h"
#include "decoder/decoder.h"
#include "runtime/internal.h"
#include "runtime/trap_handler.h"

namespace wasm {

namespace {
constexpr char kMagic[8] = {'P', 'G', 'W', 'A', 'S', 'M', 'C', '1'};
constexpr uint32_t kFormat = 3;

struct ArtifactHeader {
  char magic[8];
  uint32_t format;
  char buildId[32];
  uint32_t cpuBits;
  uint8_t fuel;
  uint8_t boundsChecks;
  uint8_t pad[2];
  uint32_t numFuncs;
  uint32_t trapExitOffset;
  uint64_t moduleBytes;
  uint64_t codeBytes;
};
static_assert(sizeof(ArtifactHeader) % 8 == 0);
// The binary without its code section (id 10) and custom sections (id 0: names, debug
// information): the bodies are compiled already and nothing at run time reads custom
// sections, so leaving them out makes artifacts smaller and quicker to check and load.
std::vector<uint8_t> withoutCodeSection(const std::vector<uint8_t>& bin) {
  std::vector<uint8_t> out(bin.begin(), bin.begin() + (bin.size() < 8 ? bin.size() : 8));
  size_t p = 8;
  while (p < bin.size()) {
    size_t start = p;
    uint8_t id = bin[p++];
    uint64_t size = 0;
    for (int shift = 0; p < bin.size() && shift < 35; shift += 7) {
      uint8_t b = bin[p++];
      size |= uint64_t(b & 0x7F) << shift;
      if (!(b & 0x80)) break;
    }
    size_t end = p + size > bin.size() ? bin.size() : size_t(p + size);
    if (id != 10 && id != 0) out.insert(out.end(), bin.begin() + start, bin.begin() + end);
    p = end;
  }
  return out;
}
}  // namespace

std::string Engine::codeTag(const CompileOptions& options) const {
  char buf[96];
  snprintf(buf, sizeof buf, "%s/cpu%x/fuel%d/bounds%d", PGWASM_ENGINE_BUILD_ID, hostCodegenCpuBits(),
           options.fuel ? 1 : 0, int(options.boundsChecks));
  return buf;
}

std::vector<uint8_t> Module::serialize() const {
  const Compiled& c = *compiled_;
  ArtifactHeader h;
  memset(&h, 0, sizeof h);
  memcpy(h.magic, kMagic, sizeof kMagic);
  h.format = kFormat;
  memcpy(h.buildId, PGWASM_ENGINE_BUILD_ID, sizeof h.buildId);
  h.cpuBits = c.cpuBits;
  h.fuel = options_.fuel ? 1 : 0;
  h.boundsChecks = uint8_t(options_.boundsChecks);
  h.numFuncs = uint32_t(c.funcOffsets.size());
  h.trapExitOffset = c.trapExitOffset;
  std::vector<uint8_t> binary = withoutCodeSection(info_->bytes);
  h.moduleBytes = binary.size();
  h.codeBytes = c.code.size();
  std::vector<uint8_t> out(sizeof h + h.moduleBytes + h.codeBytes + 4ull * h.numFuncs);
  uint8_t* p = out.data();
  memcpy(p, &h, sizeof h);
  p += sizeof h;
  memcpy(p, binary.data(), h.moduleBytes);
  p += h.moduleBytes;
  memcpy(p, c.code.base(), h.codeBytes);
  p += h.codeBytes;
  if (h.numFuncs) memcpy(p, c.funcOffsets.data(), 4ull * h.numFuncs);
  return out;
}

Result<std::shared_ptr<const Module>> Engine::deserialize(const uint8_t* data, size_t size) {
  auto t0 = std::chrono::steady_clock::now();
  ArtifactHeader h;
  if (size < sizeof h) return makeError(ErrorKind::Malformed, kNoOffset, "compiled-code artifact is truncated");
  memcpy(&h, data, sizeof h);
  if (memcmp(h.magic, kMagic, sizeof kMagic) != 0 || h.format != kFormat)
    return makeError(ErrorKind::Malformed, kNoOffset, "not a compiled-code artifact of this format");
  if (memcmp(h.buildId, PGWASM_ENGINE_BUILD_ID, sizeof h.buildId) != 0)
    return makeError(ErrorKind::Unsupported, kNoOffset, "compiled-code artifact of another engine build");
  if ((h.cpuBits & ~hostCodegenCpuBits()) != 0)
    return makeError(ErrorKind::Unsupported, kNoOffset, "compiled-code artifact needs CPU features this host lacks");
  uint64_t need = sizeof h + h.moduleBytes + h.codeBytes + 4ull * h.numFuncs;
  if (h.moduleBytes > size || h.codeBytes > size || need != size || h.trapExitOffset >= h.codeBytes)
    return makeError(ErrorKind::Malformed, kNoOffset, "compiled-code artifact has inconsistent sizes");
  const uint8_t* p = data + sizeof h;
  WASM_ASSIGN(std::unique_ptr<ModuleInfo> info, decodeModule(p, h.moduleBytes, DecodeMode::WithoutCode));
  if (info->numDefinedFuncs() != h.numFuncs)
    return makeError(ErrorKind::Malformed, kNoOffset, "compiled-code artifact does not match its module");
  p += h.moduleBytes;
  CompiledCode cc;
  WASM_ASSIGN(cc.code, CodeMemory::create(p, h.codeBytes));
  p += h.codeBytes;
  cc.funcOffsets.resize(h.numFuncs);
  if (h.numFuncs) memcpy(cc.funcOffsets.data(), p, 4ull * h.numFuncs);
  for (uint32_t off : cc.funcOffsets)
    if (off >= h.codeBytes) return makeError(ErrorKind::Malformed, kNoOffset, "compiled-code artifact has a bad offset");
  cc.trapExitOffset = h.trapExitOffset;
  cc.cpuBits = h.cpuBits;
  CompileOptions options;
  options.fuel = h.fuel != 0;
  options.boundsChecks = BoundsChecks(h.boundsChecks);
  return finishModule(std::move(info), std::move(cc), options, t0);
}

}  // namespace wasm
