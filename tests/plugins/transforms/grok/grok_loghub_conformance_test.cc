// The key acceptance test of the pattern library: for each LogHub system, match all 2,000 raw
// lines with that system's whole-line pattern (LOGHUB_<SYSTEM> in conf/patterns/loghub) and
// compare every captured field with LogHub's structured CSV (the ground truth). The grok field
// names are the CSV column names; LineId, EventId and EventTemplate are not header fields.
//
// Lines are read as a line reader delivers them: split at '\n', one trailing '\r' removed. The
// expected value is the CSV value with surrounding whitespace trimmed; a field the pattern did
// not capture counts as "" (Linux has lines without a PID).

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "csv_reader.h"
#include "grok_compiler.h"
#include "grok_matcher.h"
#include "test_paths.h"

namespace pyrolog::grok {
namespace {

namespace fs = std::filesystem;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0)
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0)
    s.remove_suffix(1);
  return s;
}

std::vector<std::string> read_lines(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  const std::string text = content.str();
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string line = text.substr(pos, eol - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    pos = eol + 1;
  }
  return lines;
}

struct Mismatch {
  std::size_t line_no;
  std::string field;
  std::string expected;
  std::string got;
};

class LoghubConformanceTest : public ::testing::TestWithParam<std::string> {};

TEST_P(LoghubConformanceTest, EveryLineMatchesTheGroundTruth) {
  const std::string system = GetParam();
  const fs::path dir = test::corpus_dir() / "loghub" / system;
  const fs::path log_path = dir / (system + "_2k.log");
  const fs::path csv_path = dir / (system + "_2k.log_structured.csv");
  ASSERT_TRUE(fs::exists(log_path) && fs::exists(csv_path)) << "LogHub corpus not found in " << dir;

  GrokPatternSet patterns;
  const auto load_errors = patterns.load_directory(test::patterns_dir());
  ASSERT_TRUE(load_errors.empty()) << load_errors.front().to_string();
  std::string pattern_name = "LOGHUB_" + system;
  std::transform(pattern_name.begin(), pattern_name.end(), pattern_name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  const CompileResult compiled = GrokCompiler(patterns).compile("%{" + pattern_name + "}");
  ASSERT_TRUE(compiled.ok()) << to_string(compiled.errors);
  const GrokMatcher matcher(compiled.program);

  const auto csv = test::read_csv_file(csv_path.string());
  ASSERT_TRUE(csv.has_value());
  ASSERT_TRUE(csv->error.empty()) << csv->error;
  ASSERT_GE(csv->records.size(), 2u);
  const test::CsvRecord& header = csv->records.front();
  const std::set<std::string> not_header_fields = {"LineId", "EventId", "EventTemplate"};
  std::vector<std::size_t> columns;  // CSV columns compared with captures
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (not_header_fields.count(header[i]) == 0) columns.push_back(i);
  }
  // Every compared column must be a field of the pattern, or the test would pass vacuously.
  for (std::size_t column : columns) {
    const auto fields = compiled.program->fields();
    EXPECT_NE(std::find(fields.begin(), fields.end(), header[column]), fields.end())
        << pattern_name << " has no field " << header[column];
  }

  const std::vector<std::string> lines = read_lines(log_path);
  const std::size_t records = csv->records.size() - 1;
  ASSERT_EQ(lines.size(), records) << "log lines vs CSV records";
  ASSERT_EQ(records, 2000u);

  MatchScratch scratch;
  std::vector<Mismatch> mismatches;
  std::size_t unmatched = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const test::CsvRecord& row = csv->records[i + 1];
    ASSERT_EQ(row.size(), header.size()) << "CSV record " << i + 1;
    const MatchResult r = matcher.match(lines[i], scratch);
    if (!r.matched()) {
      ++unmatched;
      mismatches.push_back({i + 1, "(line)", lines[i], std::string(to_string(r.status))});
      continue;
    }
    for (std::size_t column : columns) {
      const std::string_view expected = trim(row[column]);
      const Capture* capture = r.find(header[column]);
      const std::string_view got = capture != nullptr ? capture->value : std::string_view();
      if (got != expected)
        mismatches.push_back({i + 1, header[column], std::string(expected), std::string(got)});
    }
  }

  std::ostringstream report;
  for (std::size_t i = 0; i < std::min<std::size_t>(mismatches.size(), 20); ++i) {
    const Mismatch& m = mismatches[i];
    report << "\n  line " << m.line_no << " field " << m.field << ": expected '" << m.expected << "' got '"
           << m.got << "'";
  }
  EXPECT_EQ(unmatched, 0u) << system;
  EXPECT_EQ(mismatches.size(), 0u) << system << ": " << mismatches.size()
                                   << " mismatches; first:" << report.str();
  RecordProperty("lines", static_cast<int>(lines.size()));
  RecordProperty("mismatches", static_cast<int>(mismatches.size()));
}

INSTANTIATE_TEST_SUITE_P(Loghub, LoghubConformanceTest,
                         ::testing::Values("Android", "Apache", "HDFS", "Hadoop", "Linux", "OpenSSH", "Spark",
                                           "Zookeeper"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace pyrolog::grok
