// Fuzz harness. wasm-opt -ttf as a subprocess (see ttf.h). Input and output go through
// files in a private temporary directory, removed at exit.
#include "ttf.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace fuzz {

namespace {

std::string gDir;

void removeDir() {
  if (gDir.empty()) return;
  unlink((gDir + "/in.bin").c_str());
  unlink((gDir + "/out.wasm").c_str());
  rmdir(gDir.c_str());
}

const std::string& workDir() {
  if (gDir.empty()) {
    const char* tmp = getenv("TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/pgwasm-ttf.XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back(0);
    if (!mkdtemp(buf.data())) {
      perror("mkdtemp");
      abort();
    }
    gDir = buf.data();
    atexit(removeDir);
  }
  return gDir;
}

bool writeFile(const std::string& path, const uint8_t* data, size_t size) {
  FILE* f = fopen(path.c_str(), "wb");
  if (!f) return false;
  bool ok = fwrite(data, 1, size, f) == size;
  return fclose(f) == 0 && ok;
}

bool readFile(const std::string& path, std::vector<uint8_t>* out) {
  FILE* f = fopen(path.c_str(), "rb");
  if (!f) return false;
  uint8_t buf[65536];
  size_t n;
  out->clear();
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out->insert(out->end(), buf, buf + n);
  fclose(f);
  return true;
}

}  // namespace

const char* wasmOptPath() {
  const char* env = getenv("PGWASM_WASM_OPT");
  return env && *env ? env : PGWASM_WASM_OPT;
}

bool translateToFuzz(const uint8_t* data, size_t size, const TtfOptions& options, std::vector<uint8_t>* out,
                     std::string* error) {
  const std::string& dir = workDir();
  std::string in = dir + "/in.bin", outPath = dir + "/out.wasm";
  unlink(outPath.c_str());
  if (!writeFile(in, data, size)) {
    *error = "cannot write " + in;
    return false;
  }
  std::vector<std::string> args = {wasmOptPath(), "-ttf", in, "-o", outPath,
                                   "--mvp-features", "--enable-sign-ext", "--enable-mutable-globals",
                                   "--enable-nontrapping-float-to-int", "--enable-multivalue",
                                   "--enable-bulk-memory"};
  if (options.referenceTypes) args.push_back("--enable-reference-types");
  if (options.denan) args.push_back("--denan");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    *error = std::string("cannot run ") + argv[0] + ": " + strerror(rc);
    return false;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      *error = "waitpid failed";
      return false;
    }
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    *error = "wasm-opt failed (status " + std::to_string(status) + ")";
    return false;
  }
  if (!readFile(outPath, out)) {
    *error = "wasm-opt wrote no module";
    return false;
  }
  return true;
}

}  // namespace fuzz
