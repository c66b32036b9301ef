#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "file_input/file_reader.h"
#include "file_input/multiline_config.h"
#include "file_input/multiline_grouper.h"
#include "file_input/reading_options.h"

namespace pyrolog::files {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> expected_events(const std::string& path) {
  std::vector<std::string> out;
  std::istringstream in(read_text(path));
  for (std::string line; std::getline(in, line);) {
    std::string event;
    for (char c : line)
      event += c == '|' ? '\n' : c;
    out.push_back(event);
  }
  return out;
}

MultilineRules rules(MultilineRules::Kind kind, const std::string& pattern, std::size_t max_lines = 1000,
                     std::size_t max_bytes = 1 << 20) {
  std::string error;
  auto p = LinePattern::compile(pattern, error);
  EXPECT_TRUE(p) << error;
  return MultilineRules{kind, std::move(*p), max_lines, max_bytes};
}

// Reads `text` in chunks of `chunk` bytes through a FileReader, then flushes it (the end of a file).
std::vector<std::pair<std::string, std::uint64_t>> read_all(const MultilineRules& r, const std::string& text,
                                                            std::size_t chunk) {
  ReaderSettings settings;
  settings.multiline = &r;
  FileReader reader(settings, 0);
  std::vector<std::pair<std::string, std::uint64_t>> out;
  auto collect = [&](Batch& b) {
    for (const Event& e : b.events())
      out.emplace_back(std::string(e.raw), b.find(e, kOffsetField)->as_integer());
  };
  for (std::size_t pos = 0; pos < text.size(); pos += chunk) {
    Batch b;
    BatchTarget t(b, "/x.log", 0, Utf8Mode::keep);
    reader.consume(std::string_view(text).substr(pos, chunk), t);
    collect(b);
  }
  Batch b;
  BatchTarget t(b, "/x.log", 0, Utf8Mode::keep);
  reader.flush(t);
  collect(b);
  EXPECT_FALSE(reader.holds_anything());
  EXPECT_EQ(reader.settled_offset(), text.size());
  return out;
}

TEST(Multiline, JavaStackTracesWithAStartPattern) {
  const std::string text = read_text(PYROLOG_TEST_DATA "/java_stack_traces.log");
  const auto expected = expected_events(PYROLOG_TEST_DATA "/java_stack_traces.expected");
  const auto r = rules(MultilineRules::Kind::start, R"(^\d{4}-\d{2}-\d{2} )");
  for (std::size_t chunk : {std::size_t{7}, std::size_t{64}, text.size()}) {
    const auto events = read_all(r, text, chunk);
    ASSERT_EQ(events.size(), expected.size()) << "chunk " << chunk;
    std::uint64_t offset = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
      EXPECT_EQ(events[i].first, expected[i]) << "event " << i << ", chunk " << chunk;
      EXPECT_EQ(events[i].second, offset) << "event " << i;  // each event's offset is its first line's
      offset += expected[i].size() + 1;
    }
  }
}

TEST(Multiline, JavaStackTracesWithAContinuationPattern) {
  const std::string text = read_text(PYROLOG_TEST_DATA "/java_stack_traces.log");
  const auto expected = expected_events(PYROLOG_TEST_DATA "/java_stack_traces.expected");
  const auto r = rules(MultilineRules::Kind::continuation,
                       R"(^(\s+at |\s+\.\.\. \d+ more|Caused by: |[\w.$]+(Exception|Error)\b))");
  const auto events = read_all(r, text, 100);
  ASSERT_EQ(events.size(), expected.size());
  for (std::size_t i = 0; i < events.size(); ++i)
    EXPECT_EQ(events[i].first, expected[i]);
}

TEST(Multiline, TheHeldEventIsNotSettled) {
  const auto r = rules(MultilineRules::Kind::start, "^START");
  ReaderSettings settings;
  settings.multiline = &r;
  FileReader reader(settings, 0);
  Batch b;
  BatchTarget t(b, "/x.log", 0, Utf8Mode::keep);
  reader.consume("START a\n more\nSTART b\n more b\n", t);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b.events()[0].raw, "START a\n more");
  EXPECT_TRUE(reader.holds_group());
  EXPECT_EQ(reader.settled_offset(), 14u);  // where "START b" begins: read again after a restart
  reader.flush_group(t);
  EXPECT_EQ(b.events()[1].raw, "START b\n more b");
  EXPECT_EQ(reader.settled_offset(), 30u);
}

TEST(Multiline, LimitsEndAGroupEarlyAndCountIt) {
  const auto r = rules(MultilineRules::Kind::start, "^S", 3, 1 << 20);
  MultilineGrouper g(r);
  std::vector<std::string> out;
  auto on = [&](std::string_view text, std::uint64_t) { out.emplace_back(text); };
  for (const char* line : {"S1", "a", "b", "c", "d", "S2"})
    g.add(line, 0, on);
  g.flush(on);
  EXPECT_EQ(out, (std::vector<std::string>{"S1\na\nb", "c\nd", "S2"}));
  EXPECT_EQ(g.counts().limited, 1u);
}

TEST(Multiline, ABadPatternDoesNotBuild) {
  MultilineConfig bad;
  bad.start_pattern = "(unclosed";
  EXPECT_THROW(make_multiline_rules(bad), std::runtime_error);
  EXPECT_FALSE(make_multiline_rules(MultilineConfig{}).has_value());
}

}  // namespace
}  // namespace pyrolog::files
