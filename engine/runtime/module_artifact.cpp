// Engine zone. Compiled-code artifacts: Module::serialize and Engine::deserialize, for
// code caches shared between processes. An artifact is
//   header | the module's binary | per-function code offsets | padding | machine code
// with the machine code at a multiple of kCodeAlign (a page) and last. It holds no
// pointer: the machine code is position independent (calls are relative, everything else
// goes through the VMContext), so a loading process decodes the binary's sections (bodies
// are not decoded, validated or compiled again) and either copies the code into its own
// executable memory or, when the artifact is mapped from a file, runs it where it lies.
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

#include "build_id.h"
#include "compiler/compiler.h"
#include "decoder/binary_types.h"
#include "decoder/decoder.h"
#include "base/job.h"
#include "runtime/internal.h"
#include "runtime/trap_handler.h"

namespace wasm {

namespace {
constexpr char kMagic[8] = {'P', 'G', 'W', 'A', 'S', 'M', 'C', '1'};
constexpr uint32_t kFormat = 5;  // 5: the name section is kept
constexpr uint64_t kCodeAlign = 4096;

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
  uint64_t codeOffset;  // from the artifact's start; a multiple of kCodeAlign
  uint64_t codeBytes;
};
static_assert(sizeof(ArtifactHeader) % 8 == 0);
// Whether the custom section payload [p, end) is the "name" section.
bool isNameSection(const std::vector<uint8_t>& bin, size_t p, size_t end) {
  Reader r(bin.data(), p, end);
  const uint8_t* name;
  uint32_t size;
  return readNameBytes(r, &name, &size) && size == 4 && memcmp(name, "name", 4) == 0;
}

// The binary without its code section (id 10) and custom sections (id 0: debug
// information and the like) but "name", which a trap's backtrace reads (so that a cached
// module names its functions as a fresh compile does): the bodies are compiled already,
// so leaving the rest out makes artifacts smaller and quicker to check and load.
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
    if (id != 10 && (id != 0 || isNameSection(bin, p, end))) out.insert(out.end(), bin.begin() + start, bin.begin() + end);
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
  uint64_t metaEnd = sizeof h + h.moduleBytes + 4ull * h.numFuncs;
  h.codeOffset = (metaEnd + kCodeAlign - 1) / kCodeAlign * kCodeAlign;
  h.codeBytes = c.code.size();
  std::vector<uint8_t> out(h.codeOffset + h.codeBytes);  // zeroed padding
  uint8_t* p = out.data();
  memcpy(p, &h, sizeof h);
  p += sizeof h;
  memcpy(p, binary.data(), h.moduleBytes);
  p += h.moduleBytes;
  if (h.numFuncs) memcpy(p, c.funcOffsets.data(), 4ull * h.numFuncs);
  memcpy(out.data() + h.codeOffset, c.code.base(), h.codeBytes);
  return out;
}

namespace {
// An artifact's parts, checked against its header.
struct ArtifactParts {
  ArtifactHeader h;
  std::unique_ptr<ModuleInfo> info;
  std::vector<uint32_t> funcOffsets;
};

Result<ArtifactParts> parseArtifact(const uint8_t* data, size_t size, Job* job) {
  ArtifactParts a;
  ArtifactHeader& h = a.h;
  if (size < sizeof h) return makeError(ErrorKind::Malformed, kNoOffset, "compiled-code artifact is truncated");
  memcpy(&h, data, sizeof h);
  if (memcmp(h.magic, kMagic, sizeof kMagic) != 0 || h.format != kFormat)
    return makeError(ErrorKind::Malformed, kNoOffset, "not a compiled-code artifact of this format");
  if (memcmp(h.buildId, PGWASM_ENGINE_BUILD_ID, sizeof h.buildId) != 0)
    return makeError(ErrorKind::Unsupported, kNoOffset, "compiled-code artifact of another engine build");
  if ((h.cpuBits & ~hostCodegenCpuBits()) != 0)
    return makeError(ErrorKind::Unsupported, kNoOffset, "compiled-code artifact needs CPU features this host lacks");
  uint64_t metaEnd = sizeof h + h.moduleBytes + 4ull * h.numFuncs;
  if (h.moduleBytes > size || h.numFuncs > size || h.codeBytes > size || h.codeOffset % kCodeAlign != 0 ||
      h.codeOffset < metaEnd || h.codeOffset + h.codeBytes != size || h.trapExitOffset >= h.codeBytes)
    return makeError(ErrorKind::Malformed, kNoOffset, "compiled-code artifact has inconsistent sizes");
  const uint8_t* p = data + sizeof h;
  WASM_ASSIGN(a.info, decodeModule(p, h.moduleBytes, DecodeMode::WithoutCode, job));
  if (a.info->numDefinedFuncs() != h.numFuncs)
    return makeError(ErrorKind::Malformed, kNoOffset, "compiled-code artifact does not match its module");
  p += h.moduleBytes;
  a.funcOffsets.resize(h.numFuncs);
  if (h.numFuncs) memcpy(a.funcOffsets.data(), p, 4ull * h.numFuncs);
  for (uint32_t off : a.funcOffsets)
    if (off >= h.codeBytes) return makeError(ErrorKind::Malformed, kNoOffset, "compiled-code artifact has a bad offset");
  return a;
}

CompileOptions optionsOf(const ArtifactHeader& h) {
  CompileOptions options;
  options.fuel = h.fuel != 0;
  options.boundsChecks = BoundsChecks(h.boundsChecks);
  return options;
}

// The artifact's code metadata with its executable code, copied or adopted.
CompiledCode compiledCodeOf(ArtifactParts& a, CodeMemory code) {
  CompiledCode cc;
  cc.code = std::move(code);
  cc.funcOffsets = std::move(a.funcOffsets);
  cc.trapExitOffset = a.h.trapExitOffset;
  cc.cpuBits = a.h.cpuBits;
  return cc;
}
}  // namespace

Result<std::shared_ptr<const Module>> Engine::deserialize(const uint8_t* data, size_t size) {
  auto t0 = std::chrono::steady_clock::now();
  Job job(config_, size);
  WASM_ASSIGN(ArtifactParts a, parseArtifact(data, size, &job));
  WASM_ASSIGN(CodeMemory code, CodeMemory::create(data + a.h.codeOffset, a.h.codeBytes));
  return finishModule(std::move(a.info), compiledCodeOf(a, std::move(code)), optionsOf(a.h), job, t0);
}

Result<std::shared_ptr<const Module>> Engine::deserializeMapped(uint8_t* mapping, size_t size,
                                                                 void (*release)(void*), void* releaseArg) {
  auto t0 = std::chrono::steady_clock::now();
  size_t page = size_t(sysconf(_SC_PAGESIZE));
  size_t mapped = (size + page - 1) / page * page;
  // Until the code memory owns the code's pages, this owns the whole mapping.
  struct Mapping {
    uint8_t* base;
    size_t length;
    void (*release)(void*);
    void* arg;
    ~Mapping() {
      if (base) munmap(base, length);
      if (release) release(arg);
    }
  } owned{mapping, mapped, release, releaseArg};
  Job job(config_, size);
  WASM_ASSIGN(ArtifactParts a, parseArtifact(mapping, size, &job));
  // adopt refuses code that is not page aligned here, or pages the system will not make
  // executable (a noexec mount, a security policy): then a copy.
  auto adopted = CodeMemory::adopt(mapping + a.h.codeOffset, a.h.codeBytes, mapped - a.h.codeOffset, release,
                                   releaseArg);
  if (adopted.ok()) {
    owned.length = a.h.codeOffset;  // the rest goes now; the code stays with the module
    owned.release = nullptr;
    return finishModule(std::move(a.info), compiledCodeOf(a, adopted.take()), optionsOf(a.h), job, t0);
  }
  WASM_ASSIGN(CodeMemory code, CodeMemory::create(mapping + a.h.codeOffset, a.h.codeBytes));
  return finishModule(std::move(a.info), compiledCodeOf(a, std::move(code)), optionsOf(a.h), job, t0);
}

}  // namespace wasm
