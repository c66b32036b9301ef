#include "file_input/position_store.h"

#include <fstream>

#include <gtest/gtest.h>

#include "../support/fake_source_context.h"

namespace pyrolog::files {
namespace {

using testing::TempDir;

void write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

TEST(PositionStore, MissingFileIsAFirstStart) {
  TempDir dir;
  PositionStore store(dir.path() / "positions.json");
  auto loaded = store.load();
  EXPECT_FALSE(loaded.existed);
  EXPECT_TRUE(loaded.problem.empty());
  EXPECT_TRUE(loaded.positions.empty());
}

TEST(PositionStore, SaveThenLoad) {
  TempDir dir;
  PositionStore store(dir.path() / "positions.json");
  std::vector<FilePosition> positions{
      {"/var/log/a.log", FileIdentity{2049, 12, 1024, 0xfeedfacecafebeefull}, 123456789012ull},
      {"/var/log/b \"quoted\".log", FileIdentity{2049, 13, 0, 0}, 0},
  };
  ASSERT_FALSE(store.save(positions));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "positions.json.tmp"));
  auto loaded = store.load();
  EXPECT_TRUE(loaded.existed);
  EXPECT_EQ(loaded.problem, "");
  EXPECT_EQ(loaded.positions, positions);
}

TEST(PositionStore, EmptyOrCorruptFilesAreMovedAsideAndReported) {
  for (const std::string& text : {std::string(), std::string("{\"version\":1,\"files\":[{\"path\":"),
                                  std::string("garbage\x01\x02"), std::string("{\"version\":7,\"files\":[]}"),
                                  std::string("{\"version\":1,\"files\":[{\"path\":\"/a\"}]}")}) {
    TempDir dir;
    const auto path = dir.path() / "positions.json";
    write(path, text);
    PositionStore store(path);
    auto loaded = store.load();
    EXPECT_TRUE(loaded.existed);
    EXPECT_FALSE(loaded.problem.empty()) << text;
    EXPECT_TRUE(loaded.positions.empty());
    EXPECT_FALSE(std::filesystem::exists(path));
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "positions.json.corrupt"));
    // And the next save works.
    EXPECT_FALSE(store.save({{"/a", {}, 1}}));
    EXPECT_EQ(store.load().positions.size(), 1u);
  }
}

TEST(PositionStore, SaveFailsCleanlyWhenTheDirectoryIsGone) {
  PositionStore store("/nonexistent-dir-for-pyrolog-tests/positions.json");
  EXPECT_TRUE(store.save({}));
}

}  // namespace
}  // namespace pyrolog::files
