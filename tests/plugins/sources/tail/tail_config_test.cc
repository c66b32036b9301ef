#include "tail_config.h"

#include <string>

#include <gtest/gtest.h>

#include "config/parse_context.h"

namespace pyrolog {
namespace {

struct Parsed {
  TailConfig config;
  std::string problems;
};

Parsed parse(const std::string& yaml) {
  config::Diagnostics diagnostics;
  config::ParseContext ctx{"test.yaml", &diagnostics, [](const std::string&) { return std::nullopt; }};
  Parsed out;
  TailConfig::options().parse(YAML::Load(yaml), out.config, ctx, "sources.web", {"type"});
  out.problems = diagnostics.to_string();
  return out;
}

TEST(TailConfig, Defaults) {
  const auto p = parse("include: [/var/log/nginx/*.log]");
  EXPECT_EQ(p.problems, "");
  const TailConfig& c = p.config;
  EXPECT_EQ(c.include, std::vector<std::string>{"/var/log/nginx/*.log"});
  EXPECT_TRUE(c.exclude.empty());
  EXPECT_TRUE(c.skip_compressed);
  EXPECT_EQ(c.read_from, ReadFrom::beginning);
  EXPECT_TRUE(c.inotify);
  EXPECT_EQ(c.scan_interval, std::chrono::seconds(1));
  EXPECT_EQ(c.rotate_wait, std::chrono::seconds(5));
  EXPECT_EQ(c.max_open_files, 512u);
  EXPECT_EQ(c.read_buffer_bytes.bytes, 256u * 1024);
  EXPECT_EQ(c.max_line_bytes.bytes, 1024u * 1024);
  EXPECT_EQ(c.overlong_lines, files::OverlongMode::truncate);
  EXPECT_EQ(c.invalid_utf8, files::Utf8Mode::keep);
  EXPECT_EQ(c.fingerprint_bytes, 1024u);
  EXPECT_EQ(c.commit_interval, std::chrono::seconds(1));
  EXPECT_FALSE(c.multiline.enabled());
  EXPECT_EQ(c.partial_line_timeout.count(), 0);
}

TEST(TailConfig, EveryOption) {
  const auto p = parse(R"(
include: ["/a/**/*.log", relative/*.txt]
exclude: ["*.1", /a/private/**]
skip_compressed: false
read_from: end
inotify: false
scan_interval: 250ms
rotate_wait: 2s
idle_timeout: 1m
partial_line_timeout: 3s
max_open_files: 64
max_files: 5000
read_buffer_bytes: 1MiB
max_line_bytes: 64KiB
overlong_lines: split
invalid_utf8: replace
fingerprint_bytes: 256
commit_interval: 500ms
multiline:
  start_pattern: '^\d{4}-'
  timeout: 2s
  max_lines: 50
  max_bytes: 64KiB
)");
  EXPECT_EQ(p.problems, "");
  const TailConfig& c = p.config;
  EXPECT_EQ(c.read_from, ReadFrom::end);
  EXPECT_EQ(c.overlong_lines, files::OverlongMode::split);
  EXPECT_EQ(c.invalid_utf8, files::Utf8Mode::replace);
  EXPECT_EQ(c.multiline.start_pattern, "^\\d{4}-");
  EXPECT_EQ(c.multiline.max_lines, 50u);
  EXPECT_EQ(c.partial_line_timeout, std::chrono::seconds(3));
}

TEST(TailConfig, BadValuesAreReportedWhereTheyAre) {
  EXPECT_EQ(parse("exclude: [x]").problems,
            "test.yaml:1:1: sources.web: missing required option 'include'\n");
  EXPECT_NE(parse("include: []").problems.find("needs at least one pattern"), std::string::npos);
  EXPECT_NE(parse("include: [a]\nread_from: middle").problems.find("read_from"), std::string::npos);
  EXPECT_NE(parse("include: [a]\noverlong_lines: wrap").problems.find("overlong_lines"), std::string::npos);
  EXPECT_NE(parse("include: [a]\nmax_open_files: 0").problems.find("max_open_files"), std::string::npos);
  EXPECT_NE(parse("include: [a]\nfingerprint_bytes: 4").problems.find("fingerprint_bytes"),
            std::string::npos);
  EXPECT_NE(parse("include: [a]\nincluded: [b]").problems.find("did you mean 'include'"), std::string::npos);
  const auto both = parse("include: [a]\nmultiline: {start_pattern: '^a', continuation_pattern: '^b'}");
  EXPECT_NE(both.problems.find("not both"), std::string::npos) << both.problems;
  const auto bad = parse("include: [a]\nmultiline: {start_pattern: '(unclosed'}");
  EXPECT_NE(bad.problems.find("sources.web.multiline.start_pattern: not a valid regular expression"),
            std::string::npos)
      << bad.problems;
}

}  // namespace
}  // namespace pyrolog
