// Spec harness. Counts per file and the run's single list of skipped and failed commands,
// grouped by reason.
#pragma once

#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace spec {

enum class Verdict { Pass, Fail, Skip, NotApplicable, NotCounted };

struct FileCounts {
  int passed = 0;
  int failed = 0;
  int skipped = 0;
  int textNA = 0;
};

class Report {
 public:
  explicit Report(bool verbose) : verbose_(verbose) {}

  // Starts a file; the counts that follow go to it.
  void beginFile(const std::string& name);
  // Records one command. reason groups skips and failures ("simd not supported", "wrong
  // result"); detail says what happened to this command.
  void record(int line, const char* command, Verdict v, const std::string& reason = {},
              const std::string& detail = {});
  // A file that could not be run at all (missing or garbled JSON): one failure.
  void fileError(const std::string& name, const std::string& message);
  // Prints "FILE: P passed, F failed, S skipped, T n/a(text)".
  void endFile();

  // The skip list and the final "N passed, N failed" line. Returns true if nothing failed.
  bool printSummary(FILE* out) const;

 private:
  struct Group {
    int count = 0;
    std::set<std::string> files;
    std::vector<std::string> items;  // "file:line: command: detail" (failures only)
  };
  bool verbose_;
  std::string file_;
  FileCounts counts_;
  FileCounts totals_;
  std::map<std::string, Group> skips_;
  std::map<std::string, Group> failures_;
};

}  // namespace spec
