#include "rolling_file.h"

#include <csignal>
#include <fstream>
#include <functional>
#include <sstream>
#include <sys/resource.h>

#include <gtest/gtest.h>

namespace pyrolog {
namespace {

namespace fs = std::filesystem;

class RollingFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("rolling_file_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `write` with files limited to `limit` bytes (RLIMIT_FSIZE): a write past the limit fails with EFBIG
  // after writing what fits, a partial write. Returns what `write` returned.
  static std::error_code with_file_size_limit(rlim_t limit, const std::function<std::error_code()>& write) {
    struct rlimit old {};
    EXPECT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
    auto* previous = std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = old;
    small.rlim_cur = limit;
    EXPECT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
    const auto ec = write();
    EXPECT_EQ(::setrlimit(RLIMIT_FSIZE, &old), 0);
    std::signal(SIGXFSZ, previous);
    return ec;
  }

  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  fs::path dir_;
};

TEST_F(RollingFileTest, CreatesTheDirectoryAndAppends) {
  RollingFile file(dir_ / "sub" / "out.log", {});
  ASSERT_FALSE(file.open());
  ASSERT_FALSE(file.append("a\n"));
  ASSERT_FALSE(file.append("b\n"));
  EXPECT_EQ(read(dir_ / "sub" / "out.log"), "a\nb\n");
  EXPECT_EQ(file.size(), 4u);
}

TEST_F(RollingFileTest, ContinuesAnExistingFile) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "out.log") << "old\n";
  RollingFile file(dir_ / "out.log", {});
  ASSERT_FALSE(file.open());
  EXPECT_EQ(file.size(), 4u);
  ASSERT_FALSE(file.append("new\n"));
  EXPECT_EQ(read(dir_ / "out.log"), "old\nnew\n");
}

TEST_F(RollingFileTest, RollsBeforeGrowingPastTheSizeLimitAndKeepsEveryByte) {
  RollingFilePolicy policy;
  policy.roll_bytes = 10;
  RollingFile file(dir_ / "out.log", policy);
  ASSERT_FALSE(file.open());
  std::string all;
  for (int i = 0; i < 7; ++i) {
    const std::string chunk = "line" + std::to_string(i) + "\n";  // 6 bytes
    all += chunk;
    ASSERT_FALSE(file.append(chunk));
  }
  const auto rolled = file.rolled_files();
  ASSERT_EQ(rolled.size(), 6u);  // 6 bytes fit, 12 do not: one append per file
  std::string joined;
  for (const auto& p : rolled) {
    EXPECT_LE(fs::file_size(p), 10u);
    joined += read(p);
  }
  joined += read(dir_ / "out.log");
  EXPECT_EQ(joined, all);  // oldest first, nothing lost or repeated
}

TEST_F(RollingFileTest, AnAppendLargerThanTheLimitStillGoesInWhole) {
  RollingFilePolicy policy;
  policy.roll_bytes = 4;
  RollingFile file(dir_ / "out.log", policy);
  ASSERT_FALSE(file.open());
  ASSERT_FALSE(file.append("0123456789\n"));
  EXPECT_EQ(read(dir_ / "out.log"), "0123456789\n");
}

TEST_F(RollingFileTest, KeepsOnlyMaxFilesRolledFiles) {
  RollingFilePolicy policy;
  policy.roll_bytes = 1;
  policy.max_files = 2;
  RollingFile file(dir_ / "out.log", policy);
  ASSERT_FALSE(file.open());
  for (int i = 0; i < 6; ++i)
    ASSERT_FALSE(file.append(std::to_string(i) + "\n"));
  const auto rolled = file.rolled_files();
  ASSERT_EQ(rolled.size(), 2u);
  // The newest two rolled files survive: "3\n" and "4\n"; "5\n" is the active file.
  EXPECT_EQ(read(rolled[0]), "3\n");
  EXPECT_EQ(read(rolled[1]), "4\n");
  EXPECT_EQ(read(dir_ / "out.log"), "5\n");
}

TEST_F(RollingFileTest, RollsByAgeOnlyWhenNotEmpty) {
  RollingFilePolicy policy;
  policy.roll_interval = std::chrono::milliseconds(1);
  RollingFile file(dir_ / "out.log", policy);
  ASSERT_FALSE(file.open());
  // An empty file is never rolled, however old.
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(3)) {
  }
  ASSERT_FALSE(file.roll_if_due());
  EXPECT_TRUE(file.rolled_files().empty());
  ASSERT_FALSE(file.append("x\n"));
  const auto wrote = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - wrote < std::chrono::milliseconds(3)) {
  }
  ASSERT_FALSE(file.roll_if_due());
  ASSERT_EQ(file.rolled_files().size(), 1u);
  EXPECT_EQ(read(file.rolled_files()[0]), "x\n");
  EXPECT_EQ(file.size(), 0u);
}

TEST_F(RollingFileTest, AFailedWriteIsCutBackSoARetryDoesNotDuplicate) {
  RollingFile file(dir_ / "out.log", {});
  ASSERT_FALSE(file.open());
  ASSERT_FALSE(file.append("whole\n"));
  EXPECT_TRUE(with_file_size_limit(10, [&] { return file.append("0123456789\n"); }));
  EXPECT_EQ(read(dir_ / "out.log"), "whole\n");  // the partial "0123" is gone
  EXPECT_EQ(file.size(), 6u);
  ASSERT_FALSE(file.append("0123456789\n"));  // the retry
  EXPECT_EQ(read(dir_ / "out.log"), "whole\n0123456789\n");
}

TEST_F(RollingFileTest, ABatchInPartsGoesInWholeAndRollsFirstWhenTheEstimateDoesNotFit) {
  RollingFilePolicy policy;
  policy.roll_bytes = 10;
  RollingFile file(dir_ / "out.log", policy);
  ASSERT_FALSE(file.open());
  ASSERT_FALSE(file.append("aaaa\n"));
  ASSERT_FALSE(file.begin_batch(4));  // 5 + 4 fit
  ASSERT_FALSE(file.write_part("bb\n"));
  ASSERT_FALSE(file.end_batch());
  EXPECT_TRUE(file.rolled_files().empty());
  ASSERT_FALSE(file.begin_batch(6));  // 8 + 6 do not: roll before the first part
  ASSERT_FALSE(file.write_part("ccc"));
  ASSERT_FALSE(file.write_part("cc\n"));
  ASSERT_FALSE(file.end_batch());
  const auto rolled = file.rolled_files();
  ASSERT_EQ(rolled.size(), 1u);
  EXPECT_EQ(read(rolled[0]), "aaaa\nbb\n");
  EXPECT_EQ(read(dir_ / "out.log"), "ccccc\n");
}

TEST_F(RollingFileTest, ABatchThatOutgrowsItsEstimateStartsOverInTheNextFile) {
  RollingFilePolicy policy;
  policy.roll_bytes = 10;
  RollingFile file(dir_ / "out.log", policy);
  ASSERT_FALSE(file.open());
  ASSERT_FALSE(file.append("aaaa\n"));
  ASSERT_FALSE(file.begin_batch(0));
  ASSERT_FALSE(file.write_part("bbb\n"));
  ASSERT_TRUE(file.part_passes_limit(5));  // 9 + 5 > 10: this file has no room for the batch
  ASSERT_FALSE(file.restart_batch());
  const auto rolled = file.rolled_files();
  ASSERT_EQ(rolled.size(), 1u);
  EXPECT_EQ(read(rolled[0]), "aaaa\n");  // the batch's first part went with the cut
  EXPECT_EQ(read(dir_ / "out.log"), "");
  // Begun on an empty file, the batch goes in whole, however large.
  ASSERT_FALSE(file.write_part("bbb\n"));
  ASSERT_FALSE(file.part_passes_limit(9));
  ASSERT_FALSE(file.write_part("ccccccccc\n"));
  ASSERT_FALSE(file.end_batch());
  EXPECT_EQ(read(dir_ / "out.log"), "bbb\nccccccccc\n");
  EXPECT_EQ(file.rolled_files().size(), 1u);
}

TEST_F(RollingFileTest, ABatchInPartsThatFailsIsCutBackToWhereTheBatchBegan) {
  RollingFile file(dir_ / "out.log", {});
  ASSERT_FALSE(file.open());
  ASSERT_FALSE(file.append("whole\n"));
  ASSERT_FALSE(file.begin_batch(0));
  ASSERT_FALSE(file.write_part("part\n"));
  EXPECT_TRUE(with_file_size_limit(14, [&] { return file.write_part("0123456789\n"); }));
  EXPECT_EQ(read(dir_ / "out.log"), "whole\n");  // the first part and the partial "012" are gone
  EXPECT_EQ(file.size(), 6u);
  ASSERT_FALSE(file.append("part\n0123456789\n"));  // the retry, whole
  EXPECT_EQ(read(dir_ / "out.log"), "whole\npart\n0123456789\n");
}

TEST_F(RollingFileTest, OpenCutsOffALineACrashLeftHalfWritten) {
  // The agent was killed between two parts of a batch: the file ends inside a line. The batch was not
  // acknowledged, so it comes again; the next line must not run on from the half-written one.
  fs::create_directories(dir_);
  std::ofstream(dir_ / "out.log") << "acknowledged\nfirst part of a batch\nfil";
  RollingFile file(dir_ / "out.log", {});
  ASSERT_FALSE(file.open());
  EXPECT_EQ(file.cut_at_open(), 3u);
  EXPECT_EQ(file.size(), 35u);
  ASSERT_FALSE(file.append("first part of a batch\nfile=170\n"));
  EXPECT_EQ(read(dir_ / "out.log"), "acknowledged\nfirst part of a batch\nfirst part of a batch\nfile=170\n");
}

TEST_F(RollingFileTest, OpenLeavesAFileOfWholeLinesAlone) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "out.log") << "a\nb\n";
  RollingFile file(dir_ / "out.log", {});
  ASSERT_FALSE(file.open());
  EXPECT_EQ(file.cut_at_open(), 0u);
  EXPECT_EQ(read(dir_ / "out.log"), "a\nb\n");
}

TEST_F(RollingFileTest, OpenUsesThePolicysRecordEnd) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "out.log") << "0123456789";
  RollingFilePolicy policy;
  policy.find_complete_end = [](int, std::uint64_t, std::uint64_t& end) {
    end = 4;
    return std::error_code{};
  };
  RollingFile file(dir_ / "out.log", policy);
  ASSERT_FALSE(file.open());
  EXPECT_EQ(file.cut_at_open(), 6u);
  EXPECT_EQ(read(dir_ / "out.log"), "0123");
}

}  // namespace
}  // namespace pyrolog
