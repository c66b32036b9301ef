#include "file_discovery.h"

#include <dirent.h>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "../support/fake_source_context.h"
#include "glob_pattern.h"

namespace pyrolog {
namespace {

using testing::TempDir;

void touch(const std::filesystem::path& p) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p) << "x\n";
}

std::vector<std::string> found(const TempDir& dir, std::vector<std::string> include,
                               std::vector<std::string> exclude = {}, bool skip_compressed = true) {
  std::vector<GlobPattern> patterns;
  for (auto& p : include)
    patterns.emplace_back(dir.path().string() + "/" + p);
  DiscoveryRules rules{std::move(patterns), PathFilter(exclude, dir.path().string()), skip_compressed,
                       100000};
  std::vector<std::string> out;
  for (const auto& f : discover(rules).files)
    out.push_back(f.path.substr(dir.path().string().size() + 1));
  return out;
}

TEST(GlobPattern, BaseAndComponents) {
  GlobPattern p("/var/log/nginx/*.log");
  EXPECT_EQ(p.base(), "/var/log/nginx");
  EXPECT_EQ(p.components(), std::vector<std::string>{"*.log"});
  GlobPattern q("/var/log/**/x/*.log");
  EXPECT_EQ(q.base(), "/var/log");
  EXPECT_EQ(q.components(), (std::vector<std::string>{"**", "x", "*.log"}));
  GlobPattern literal("/var//log/./syslog");
  EXPECT_EQ(literal.base(), "/var/log");
  EXPECT_EQ(literal.text(), "/var/log/syslog");
  GlobPattern relative("logs/*.log", "/srv/app");
  EXPECT_EQ(relative.base(), "/srv/app/logs");
}

TEST(GlobPattern, Matches) {
  GlobPattern p("/var/log/**/*.log");
  EXPECT_TRUE(p.matches("/var/log/a.log"));
  EXPECT_TRUE(p.matches("/var/log/x/y/b.log"));
  EXPECT_FALSE(p.matches("/var/log/x/.hidden/b.log"));
  EXPECT_FALSE(p.matches("/var/log/a.log.1"));
  EXPECT_FALSE(p.matches("/var/lib/a.log"));
  EXPECT_TRUE(GlobPattern("/a/[bc]?.txt").matches("/a/c1.txt"));
  EXPECT_FALSE(GlobPattern("/a/*.txt").matches("/a/.dot.txt"));
}

TEST(FileDiscovery, StarMatchesInOneDirectory) {
  TempDir dir;
  for (auto n : {"a.log", "b.log", "c.txt", ".hidden.log", "sub/d.log"})
    touch(dir.path() / n);
  EXPECT_EQ(found(dir, {"*.log"}), (std::vector<std::string>{"a.log", "b.log"}));
}

TEST(FileDiscovery, DoubleStarMatchesAnyDepthOnce) {
  TempDir dir;
  for (auto n : {"a.log", "x/b.log", "x/y/c.log", "x/y/z/d.txt", ".git/e.log"})
    touch(dir.path() / n);
  std::filesystem::create_directory_symlink(dir.path() / "x", dir.path() / "x/y/loop");
  EXPECT_EQ(found(dir, {"**/*.log"}), (std::vector<std::string>{"a.log", "x/b.log", "x/y/c.log"}));
  EXPECT_EQ(found(dir, {"x/**"}), (std::vector<std::string>{"x/b.log", "x/y/c.log", "x/y/z/d.txt"}));
  // Two patterns naming the same file: once.
  EXPECT_EQ(found(dir, {"*.log", "a.*"}), (std::vector<std::string>{"a.log"}));
}

TEST(FileDiscovery, ExcludesAndCompressedFiles) {
  TempDir dir;
  for (auto n : {"a.log", "a.log.1", "a.log.2.gz", "b.log", "private/c.log"})
    touch(dir.path() / n);
  EXPECT_EQ(found(dir, {"*.log*"}), (std::vector<std::string>{"a.log", "a.log.1", "b.log"}));
  EXPECT_EQ(found(dir, {"*.log*"}, {}, false),
            (std::vector<std::string>{"a.log", "a.log.1", "a.log.2.gz", "b.log"}));
  EXPECT_EQ(found(dir, {"*.log*"}, {"*.1", "b.*"}), (std::vector<std::string>{"a.log"}));
  EXPECT_EQ(found(dir, {"**/*.log"}, {dir.path().string() + "/private/**"}),
            (std::vector<std::string>{"a.log", "b.log"}));
}

TEST(FileDiscovery, AnUnreadableDirectoryIsAProblemAndTheRestGoesOn) {
  TempDir dir;
  touch(dir.path() / "ok/a.log");
  touch(dir.path() / "locked/b.log");
  ::chmod((dir.path() / "locked").c_str(), 0);
  if (DIR* probe = ::opendir((dir.path() / "locked").c_str())) {
    ::closedir(probe);
    ::chmod((dir.path() / "locked").c_str(), 0755);
    GTEST_SKIP() << "this process reads every directory (as root, run it under `setpriv "
                    "--bounding-set=-dac_override,-dac_read_search`, as the end-to-end test does)";
  }
  std::vector<GlobPattern> patterns{GlobPattern(dir.path().string() + "/*/*.log")};
  DiscoveryRules rules{patterns, PathFilter({}, "/"), true, 100};
  const Discovery d = discover(rules);
  ::chmod((dir.path() / "locked").c_str(), 0755);
  ASSERT_EQ(d.files.size(), 1u);
  ASSERT_EQ(d.problems.size(), 1u);
  EXPECT_EQ(d.problems[0].path, dir.path().string() + "/locked");
  EXPECT_EQ(d.problems[0].error, std::errc::permission_denied);
}

TEST(FileDiscovery, TheLimitIsKept) {
  TempDir dir;
  for (int i = 0; i < 20; ++i)
    touch(dir.path() / ("f" + std::to_string(i) + ".log"));
  std::vector<GlobPattern> patterns{GlobPattern(dir.path().string() + "/*.log")};
  DiscoveryRules rules{patterns, PathFilter({}, "/"), true, 5};
  const Discovery d = discover(rules);
  EXPECT_EQ(d.files.size(), 5u);
  EXPECT_TRUE(d.truncated);
  EXPECT_EQ(d.directories, std::vector<std::string>{dir.path().string()});
}

TEST(FileDiscovery, MissingBaseIsNotAProblem) {
  TempDir dir;
  std::vector<GlobPattern> patterns{GlobPattern(dir.path().string() + "/nope/*.log")};
  DiscoveryRules rules{patterns, PathFilter({}, "/"), true, 5};
  const Discovery d = discover(rules);
  EXPECT_TRUE(d.files.empty());
  EXPECT_TRUE(d.problems.empty());
}

}  // namespace
}  // namespace pyrolog
