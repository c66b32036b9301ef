#include "docsgen/reference_doc.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "config/agent_config.h"
#include "config/channel_config.h"
#include "plugin/plugin_registry.h"

namespace pyrolog {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// Where `expected` and `actual` first differ, as "line N: expected '...', found '...'".
std::string first_difference(const std::string& expected, const std::string& actual) {
  std::istringstream e(expected), a(actual);
  std::string el, al;
  for (int line = 1;; ++line) {
    const bool more_e = static_cast<bool>(std::getline(e, el));
    const bool more_a = static_cast<bool>(std::getline(a, al));
    if (!more_e && !more_a) return "they differ in line endings";
    if (!more_e || !more_a || el != al) {
      return fmt::format("line {}: expected '{}', found '{}'", line, more_e ? el : "(end of file)",
                         more_a ? al : "(end of file)");
    }
  }
}

// Every way the Markdown pages in `dir` differ from `pages`: missing, different, and extra pages.
std::vector<std::string> reference_differences(const fs::path& dir,
                                               const std::map<std::string, std::string>& pages) {
  std::vector<std::string> out;
  for (const auto& [path, text] : pages) {
    const fs::path file = dir / path;
    if (!fs::exists(file)) {
      out.push_back(fmt::format("{}: missing", path));
    } else if (const std::string found = read_file(file); found != text) {
      out.push_back(fmt::format("{}: differs, {}", path, first_difference(text, found)));
    }
  }
  if (fs::is_directory(dir)) {
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (!entry.is_regular_file() || entry.path().extension() != ".md") continue;
      const std::string relative = fs::relative(entry.path(), dir).generic_string();
      if (!pages.contains(relative)) out.push_back(fmt::format("{}: not generated any more", relative));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The command that regenerates the checked-in pages, as run from the source tree.
std::string regenerate_command() {
  const fs::path source = PYROLOG_SOURCE_DIR;
  fs::path binary = fs::path(PYROLOG_BINARY_DIR) / "pyrolog";
  const auto relative = fs::relative(binary, source);
  if (!relative.empty() && *relative.begin() != "..") binary = relative;
  return fmt::format("{} doc reference docs/reference", binary.generic_string());
}

TEST(ReferenceDoc, CheckedInPagesAreUpToDate) {
  const fs::path dir = fs::path(PYROLOG_SOURCE_DIR) / "docs" / "reference";
  const auto differences = reference_differences(dir, render_reference_pages());
  std::string list;
  for (const auto& d : differences)
    list += "  " + d + "\n";
  EXPECT_TRUE(differences.empty()) << "docs/reference does not match the option tables in the code:\n"
                                   << list << "Regenerate it, from " << PYROLOG_SOURCE_DIR << ":\n  "
                                   << regenerate_command() << "\nand commit the result.";
}

class ReferenceDocCheck : public ::testing::Test {
 protected:
  ReferenceDocCheck() : dir_(fs::temp_directory_path() / fmt::format("pyrolog-reference-{}", ::getpid())) {
    fs::remove_all(dir_);
    for (const auto& [path, text] : pages_)
      write_file(dir_ / path, text);
  }
  ~ReferenceDocCheck() override { fs::remove_all(dir_); }

  const std::map<std::string, std::string> pages_ = render_reference_pages();
  const fs::path dir_;
};

TEST_F(ReferenceDocCheck, FindsNoDifferenceInAFreshCopy) {
  write_file(dir_ / "notes.txt", "not a page");  // only Markdown pages are compared
  EXPECT_TRUE(reference_differences(dir_, pages_).empty());
}

TEST_F(ReferenceDocCheck, FindsAChangedAMissingAndAnExtraPage) {
  std::string edited = pages_.at("global.md");
  edited.replace(edited.find("# Top-level options"), 19, "# Top level options");
  write_file(dir_ / "global.md", edited);
  fs::remove(dir_ / "channel.md");
  write_file(dir_ / "sinks" / "retired.md", "# gone\n");
  EXPECT_EQ(
      reference_differences(dir_, pages_),
      (std::vector<std::string>{"channel.md: missing",
                                "global.md: differs, line 3: expected '# Top-level options', found '# Top "
                                "level options'",
                                "sinks/retired.md: not generated any more"}));
}

TEST_F(ReferenceDocCheck, FindsATrailingChange) {
  write_file(dir_ / "README.md", pages_.at("README.md") + "\n");
  const auto differences = reference_differences(dir_, pages_);
  ASSERT_EQ(differences.size(), 1u);
  EXPECT_EQ(differences[0].substr(0, 19), "README.md: differs,");
}

TEST(ReferenceDoc, RegenerateCommandNamesTheBuiltBinary) {
  const std::string command = regenerate_command();
  EXPECT_NE(command.find("pyrolog doc reference docs/reference"), std::string::npos) << command;
  EXPECT_EQ(command.find(".."), std::string::npos) << command;
}

TEST(ReferenceDoc, HasAPagePerPluginAndTheCommonPages) {
  const auto pages = render_reference_pages();
  std::vector<std::string> expected{"README.md", "channel.md", "global.md"};
  for (auto kind : {ComponentKind::source, ComponentKind::transform, ComponentKind::sink}) {
    for (const auto* plugin : PluginRegistry::instance().list(kind)) {
      const std::string path = fmt::format("{}s/{}.md", kind_name(kind), plugin->type);
      expected.push_back(path);
      ASSERT_TRUE(pages.contains(path)) << path;
      const std::string& page = pages.at(path);
      EXPECT_NE(page.find(fmt::format("# `{}` {}", plugin->type, kind_name(kind))), std::string::npos)
          << path;
      for (const auto& option : plugin->options->names()) {
        EXPECT_NE(page.find(fmt::format("| `{}` |", option)), std::string::npos) << path << ": " << option;
      }
      EXPECT_NE(pages.at("README.md").find(fmt::format("[`{}`]({})", plugin->type, path)), std::string::npos)
          << path;
    }
  }
  std::sort(expected.begin(), expected.end());
  std::vector<std::string> actual;
  for (const auto& [path, text] : pages) {
    actual.push_back(path);
    EXPECT_EQ(text.rfind("<!-- Generated by `pyrolog doc reference docs/reference`", 0), 0u) << path;
  }
  EXPECT_EQ(actual, expected);
  // The real plugins are linked into this binary.
  EXPECT_TRUE(pages.contains("sources/tcp.md"));
  EXPECT_TRUE(pages.contains("sinks/console.md"));
  // Test plugins are not.
  for (const auto& [path, text] : pages)
    EXPECT_EQ(path.find("test_"), std::string::npos) << path;
}

TEST(ReferenceDoc, ChannelAndGlobalPagesListTheirOptions) {
  const auto pages = render_reference_pages();
  for (const auto& [page, table] : std::map<std::string, const config::OptionTableBase*>{
           {"channel.md", &ChannelConfig::options()}, {"global.md", &GlobalOptions::options()}}) {
    for (const auto& info : table->describe()) {
      EXPECT_NE(pages.at(page).find(fmt::format("| `{}` |", info.name)), std::string::npos)
          << page << ": " << info.name;
    }
  }
  EXPECT_NE(pages.at("global.md").find("| `threads` | integer | `0` | 0 to 256 |"), std::string::npos);
  EXPECT_NE(pages.at("global.md").find("| `data_dir` | string | `/var/lib/pyrolog` |"), std::string::npos);
  EXPECT_NE(pages.at("channel.md").find("| `when_full` | one of `block`, `drop_newest` | `block` |"),
            std::string::npos);
}

}  // namespace
}  // namespace pyrolog
