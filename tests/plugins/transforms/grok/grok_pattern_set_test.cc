#include "grok_pattern_set.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>

namespace pyrolog::grok {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("grok_pattern_set_test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  fs::path write(const std::string& name, const std::string& content) const {
    const fs::path file = path_ / name;
    std::ofstream(file, std::ios::binary) << content;
    return file;
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

TEST(GrokPatternSetTest, ParsesNamesRegexesCommentsAndBlankLines) {
  GrokPatternSet set;
  const auto errors = set.load_text(
      "# a comment\n\nWORD \\b\\w+\\b\n   # indented comment\nSPACED\t \t[a ]+ x  \r\n  LEADING x\n", "mem");
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(set.size(), 3u);
  ASSERT_NE(set.find("WORD"), nullptr);
  EXPECT_EQ(set.find("WORD")->regex, "\\b\\w+\\b");
  EXPECT_EQ(set.find("WORD")->origin, "mem:3");
  EXPECT_EQ(set.find("SPACED")->regex, "[a ]+ x");
  EXPECT_EQ(set.find("LEADING")->regex, "x");
  EXPECT_EQ(set.find("MISSING"), nullptr);
}

TEST(GrokPatternSetTest, ReportsErrorsWithFileAndLineAndKeepsGoodLines) {
  GrokPatternSet set;
  const auto errors = set.load_text("GOOD a\nBAD-NAME b\nEMPTY\nALSO_GOOD c\n", "patterns/x");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].to_string(), "patterns/x:2: invalid pattern name 'BAD-NAME' (expected [A-Za-z0-9_]+)");
  EXPECT_EQ(errors[1].to_string(), "patterns/x:3: pattern 'EMPTY' has no definition");
  EXPECT_NE(set.find("GOOD"), nullptr);
  EXPECT_NE(set.find("ALSO_GOOD"), nullptr);
}

TEST(GrokPatternSetTest, LaterDefinitionsOverrideEarlierOnes) {
  TempDir builtin;
  builtin.write("a_base", "ONE 1\nTWO 2\nTHREE 3\n");
  builtin.write("b_more", "THREE 3b\n");
  TempDir user;
  user.write("mine", "TWO 2u\n");

  GrokPatternSet set;
  EXPECT_TRUE(set.load_directory(builtin.path()).empty());
  ASSERT_NE(set.find("THREE"), nullptr);
  EXPECT_EQ(set.find("THREE")->regex, "3b");  // files load in name order
  EXPECT_TRUE(set.load_directory(user.path()).empty());
  EXPECT_TRUE(set.add_definitions({{"ONE", "1i"}}).empty());

  EXPECT_EQ(set.find("ONE")->regex, "1i");
  EXPECT_EQ(set.find("ONE")->origin, "pattern_definitions");
  EXPECT_EQ(set.find("TWO")->regex, "2u");
  EXPECT_EQ(set.find("TWO")->origin, (user.path() / "mine").string() + ":1");
  EXPECT_EQ(set.find("THREE")->regex, "3b");
}

TEST(GrokPatternSetTest, DirectorySkipsHiddenAndBackupFiles) {
  TempDir dir;
  dir.write("patterns", "A a\n");
  dir.write(".hidden", "B b\n");
  dir.write("patterns~", "C c\n");
  fs::create_directories(dir.path() / "subdir");
  GrokPatternSet set;
  EXPECT_TRUE(set.load_directory(dir.path()).empty());
  EXPECT_EQ(set.names(), (std::vector<std::string_view>{"A"}));
}

TEST(GrokPatternSetTest, DirectoryErrorsNameTheFile) {
  TempDir dir;
  const fs::path file = dir.write("broken", "OK x\n\n!!! y\n");
  GrokPatternSet set;
  const auto errors = set.load_directory(dir.path());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].file, file.string());
  EXPECT_EQ(errors[0].line, 3u);
}

TEST(GrokPatternSetTest, MissingDirectoryAndFileAreErrors) {
  GrokPatternSet set;
  const auto dir_errors = set.load_directory("/nonexistent/grok/patterns");
  ASSERT_EQ(dir_errors.size(), 1u);
  EXPECT_EQ(dir_errors[0].file, "/nonexistent/grok/patterns");
  EXPECT_EQ(dir_errors[0].line, 0u);
  const auto file_errors = set.load_file("/nonexistent/grok/patterns/base");
  ASSERT_EQ(file_errors.size(), 1u);
  EXPECT_EQ(file_errors[0].to_string(), "/nonexistent/grok/patterns/base: cannot open pattern file");
}

TEST(GrokPatternSetTest, InlineDefinitionsAreValidated) {
  GrokPatternSet set;
  const auto errors = set.add_definitions({{"ok", "x"}, {"no good", "y"}, {"EMPTY", ""}});
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].to_string(), "pattern_definitions: pattern 'EMPTY' has no definition");
  EXPECT_EQ(errors[1].to_string(),
            "pattern_definitions: invalid pattern name 'no good' (expected [A-Za-z0-9_]+)");
  EXPECT_EQ(set.size(), 1u);
}

}  // namespace
}  // namespace pyrolog::grok
