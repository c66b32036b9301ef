// Config-level conformance on real logs: for each LogHub system, load conf/loghub/<system>.yaml as the agent
// does (load_config_file: every option checked, every component built once), build its grok transform through
// the plugin registry, run the 2,000 sample lines through it in batches, and compare every field with
// LogHub's structured CSV (the ground truth; LineId, EventId and EventTemplate aside). The expected value is
// the CSV value with surrounding whitespace trimmed; a field the transform did not set counts as "". No event
// may be tagged as a failure. 16,000 lines, zero mismatches; the first mismatches are printed on failure.

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "config/agent_config.h"
#include "csv_reader.h"
#include "plugin/plugin_registry.h"
#include "test_paths.h"
#include "transform_test_support.h"

namespace pyrolog {
namespace {

namespace fs = std::filesystem;

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0)
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0)
    s.remove_suffix(1);
  return s;
}

// Lines as a line reader delivers them: split at '\n', one trailing '\r' removed.
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

std::string value_text(const Value* v) {
  if (v == nullptr) return "";
  if (v->type() == ValueType::string) return std::string(v->as_string());
  return test::describe(*v);
}

struct Mismatch {
  std::size_t line_no;
  std::string field;
  std::string expected;
  std::string got;
};

class GrokTransformLoghubTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GrokTransformLoghubTest, ConfigParsesEveryLineLikeTheGroundTruth) {
  const std::string system = GetParam();
  std::string lower = system;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  const fs::path dir = grok::test::corpus_dir() / "loghub" / system;
  const fs::path log_path = dir / (system + "_2k.log");
  const fs::path csv_path = dir / (system + "_2k.log_structured.csv");
  ASSERT_TRUE(fs::exists(log_path) && fs::exists(csv_path)) << "LogHub corpus not found in " << dir;

  const fs::path config_path = grok::test::source_dir() / "conf" / "loghub" / (lower + ".yaml");
  const ConfigLoadResult loaded =
      load_config_file(config_path.string(), [](const std::string&) { return std::optional<std::string>(); });
  ASSERT_TRUE(loaded.config.has_value()) << loaded.diagnostics.to_string();
  const ComponentConfig* grok = nullptr;
  for (const auto& c : loaded.config->components) {
    if (c.kind == ComponentKind::transform && c.type == "grok") grok = &c;
  }
  ASSERT_NE(grok, nullptr) << config_path << " has no grok transform";
  const std::unique_ptr<Transform> transform = grok->plugin->make_transform(grok->options.get());

  const auto csv = grok::test::read_csv_file(csv_path.string());
  ASSERT_TRUE(csv.has_value());
  ASSERT_TRUE(csv->error.empty()) << csv->error;
  const grok::test::CsvRecord& header = csv->records.front();
  const std::set<std::string> not_fields = {"LineId", "EventId", "EventTemplate"};
  std::vector<std::size_t> columns;
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (not_fields.count(header[i]) == 0) columns.push_back(i);
  }
  ASSERT_FALSE(columns.empty());

  const std::vector<std::string> lines = read_lines(log_path);
  ASSERT_EQ(lines.size(), csv->records.size() - 1) << "log lines vs CSV records";
  ASSERT_EQ(lines.size(), 2000u);

  std::vector<Mismatch> mismatches;
  std::size_t compared = 0;
  constexpr std::size_t kBatch = 256;
  for (std::size_t first = 0; first < lines.size(); first += kBatch) {
    const std::size_t last = std::min(lines.size(), first + kBatch);
    Batch batch =
        test::make_batch(std::vector<std::string>(lines.begin() + static_cast<std::ptrdiff_t>(first),
                                                  lines.begin() + static_cast<std::ptrdiff_t>(last)));
    batch = test::run_one(*transform, std::move(batch));
    ASSERT_EQ(batch.size(), last - first);
    for (std::size_t i = first; i < last; ++i) {
      const Event& event = batch.events()[i - first];
      const grok::test::CsvRecord& row = csv->records[i + 1];
      ASSERT_EQ(row.size(), header.size()) << "CSV record " << i + 1;
      if (batch.find(event, "tags._grokparsefailure") != nullptr) {
        mismatches.push_back({i + 1, "(line)", lines[i], "tagged _grokparsefailure"});
        continue;
      }
      for (std::size_t column : columns) {
        ++compared;
        const std::string expected(trim(row[column]));
        const std::string got = value_text(batch.find(event, header[column]));
        if (got != expected) mismatches.push_back({i + 1, header[column], expected, got});
      }
    }
  }

  std::ostringstream report;
  for (std::size_t i = 0; i < std::min<std::size_t>(mismatches.size(), 20); ++i) {
    const Mismatch& m = mismatches[i];
    report << "\n  line " << m.line_no << " field " << m.field << ": expected '" << m.expected << "' got '"
           << m.got << "'";
  }
  EXPECT_EQ(mismatches.size(), 0u) << system << ": " << mismatches.size()
                                   << " mismatches; first:" << report.str();
  EXPECT_EQ(compared, lines.size() * columns.size());
  RecordProperty("lines", static_cast<int>(lines.size()));
  RecordProperty("mismatches", static_cast<int>(mismatches.size()));
}

INSTANTIATE_TEST_SUITE_P(Loghub, GrokTransformLoghubTest,
                         ::testing::Values("Android", "Apache", "HDFS", "Hadoop", "Linux", "OpenSSH", "Spark",
                                           "Zookeeper"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace pyrolog
