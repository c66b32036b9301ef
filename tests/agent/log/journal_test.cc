#include "log/journal.h"

#include <cstdio>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace pyrolog::log {
namespace {

class JournalStream : public ::testing::Test {
 protected:
  void SetUp() override {
    fd_ = ::open("/dev/null", O_WRONLY);
    ASSERT_GE(fd_, 0);
    struct stat st {};
    ASSERT_EQ(::fstat(fd_, &st), 0);
    dev_ = st.st_dev;
    ino_ = st.st_ino;
  }
  void TearDown() override { ::close(fd_); }
  int fd_ = -1;
  std::uint64_t dev_ = 0, ino_ = 0;
};

TEST_F(JournalStream, MatchesTheDeviceAndInodeOfTheDescriptor) {
  EXPECT_TRUE(journal_stream_matches(fmt::format("{}:{}", dev_, ino_), fd_));
}

TEST_F(JournalStream, AnotherFileOrAMalformedValueDoesNotMatch) {
  EXPECT_FALSE(journal_stream_matches(fmt::format("{}:{}", dev_, ino_ + 1), fd_));
  EXPECT_FALSE(journal_stream_matches(fmt::format("{}:{}", dev_ + 1, ino_), fd_));
  EXPECT_FALSE(journal_stream_matches("", fd_));
  EXPECT_FALSE(journal_stream_matches(fmt::format("{}", dev_), fd_));
  EXPECT_FALSE(journal_stream_matches(fmt::format("{}:", dev_), fd_));
  EXPECT_FALSE(journal_stream_matches(fmt::format("{}:{}x", dev_, ino_), fd_));
  EXPECT_FALSE(journal_stream_matches(fmt::format("{}:{}", dev_, ino_), -1));
}

TEST(JournalPriority, FollowsSyslogSeverities) {
  EXPECT_EQ(journal_priority(Level::error), 3);
  EXPECT_EQ(journal_priority(Level::warning), 4);
  EXPECT_EQ(journal_priority(Level::info), 6);
  EXPECT_EQ(journal_priority(Level::debug), 7);
}

}  // namespace
}  // namespace pyrolog::log
