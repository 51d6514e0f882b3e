// Spec harness. Counting and the final skip list.
#include "report.h"

#include <algorithm>

namespace spec {

namespace {
constexpr size_t kMaxListedPerGroup = 100;  // failures listed per reason without -v
}

void Report::beginFile(const std::string& name) {
  file_ = name;
  counts_ = FileCounts();
}

void Report::record(int line, const char* command, Verdict v, const std::string& reason,
                    const std::string& detail) {
  switch (v) {
    case Verdict::Pass: counts_.passed++; return;
    case Verdict::NotCounted: return;
    case Verdict::NotApplicable: {
      counts_.textNA++;
      Group& g = skips_["not applicable (text format)"];
      g.count++;
      g.files.insert(file_);
      return;
    }
    case Verdict::Skip: {
      counts_.skipped++;
      Group& g = skips_[reason];
      g.count++;
      g.files.insert(file_);
      return;
    }
    case Verdict::Fail: {
      counts_.failed++;
      std::string where = file_ + ":" + std::to_string(line) + ": " + command;
      if (!detail.empty()) where += ": " + detail;
      if (verbose_) printf("  FAIL %s (%s)\n", where.c_str(), reason.c_str());
      Group& g = failures_[reason];
      g.count++;
      g.files.insert(file_);
      g.items.push_back(std::move(where));
      return;
    }
  }
}

void Report::fileError(const std::string& name, const std::string& message) {
  beginFile(name);
  fprintf(stderr, "error: %s\n", message.c_str());
  record(0, "file", Verdict::Fail, "script could not be loaded", message);
  endFile();
}

void Report::endFile() {
  printf("%s: %d passed, %d failed, %d skipped, %d n/a(text)\n", file_.c_str(), counts_.passed,
         counts_.failed, counts_.skipped, counts_.textNA);
  fflush(stdout);
  totals_.passed += counts_.passed;
  totals_.failed += counts_.failed;
  totals_.skipped += counts_.skipped;
  totals_.textNA += counts_.textNA;
}

bool Report::printSummary(FILE* out) const {
  if (!skips_.empty() || !failures_.empty()) {
    fprintf(out, "\nSkipped and failed commands, by reason:\n");
    for (const auto& [reason, g] : skips_)
      fprintf(out, "  skipped: %s: %d commands in %zu files\n", reason.c_str(), g.count, g.files.size());
    for (const auto& [reason, g] : failures_) {
      fprintf(out, "  FAILED: %s: %d commands in %zu files\n", reason.c_str(), g.count, g.files.size());
      size_t n = verbose_ ? g.items.size() : std::min(g.items.size(), kMaxListedPerGroup);
      for (size_t i = 0; i < n; i++) fprintf(out, "    %s\n", g.items[i].c_str());
      if (n < g.items.size()) fprintf(out, "    ... and %zu more (-v lists all)\n", g.items.size() - n);
    }
    fprintf(out, "\n");
  }
  fprintf(out, "%d passed, %d failed\n", totals_.passed, totals_.failed);
  return totals_.failed == 0;
}

}  // namespace spec
