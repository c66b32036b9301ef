#include "file_input/file_identity.h"

#include <fcntl.h>
#include <fstream>
#include <unistd.h>

#include <gtest/gtest.h>

#include "../support/fake_source_context.h"
#include "file_input/file_io.h"

namespace pyrolog::files {
namespace {

using testing::TempDir;

void write(const std::string& p, const std::string& text, std::ios::openmode mode = std::ios::trunc) {
  std::ofstream(p, std::ios::binary | std::ios::out | mode) << text;
}

TEST(FileIdentity, TheFingerprintGrowsWithTheFileUpToItsLimit) {
  TempDir dir;
  const auto path = dir / "a.log";
  write(path, "0123456789");
  std::error_code ec;
  auto fd = open_for_reading(path, ec);
  ASSERT_TRUE(fd);
  FileIdentity id;
  std::string scratch;
  ASSERT_TRUE(verify_and_extend(fd.get(), id, 16, scratch, ec));
  EXPECT_EQ(id.fingerprint_bytes, 10u);
  write(path, "abcdefghij", std::ios::app);
  ASSERT_TRUE(verify_and_extend(fd.get(), id, 16, scratch, ec));
  EXPECT_EQ(id.fingerprint_bytes, 16u);
  EXPECT_EQ(id.fingerprint, fingerprint_hash("0123456789abcdef"));
}

TEST(FileIdentity, OtherFirstBytesAreAnotherFile) {
  TempDir dir;
  const auto path = dir / "a.log";
  write(path, "first content\n");
  std::error_code ec;
  auto fd = open_for_reading(path, ec);
  FileIdentity id;
  std::string scratch;
  ASSERT_TRUE(verify_and_extend(fd.get(), id, 64, scratch, ec));
  // Truncated and written again in place.
  ASSERT_EQ(::truncate(path.c_str(), 0), 0);
  write(path, "other content, longer than before\n", std::ios::app);
  FileIdentity copy = id;
  EXPECT_FALSE(verify_and_extend(fd.get(), copy, 64, scratch, ec));
  EXPECT_FALSE(ec);
  // Truncated shorter than the fingerprint: also another file.
  ASSERT_EQ(::truncate(path.c_str(), 3), 0);
  copy = id;
  EXPECT_FALSE(verify_and_extend(fd.get(), copy, 64, scratch, ec));
}

TEST(FileIdentity, PrefixMatches) {
  FileIdentity id;
  EXPECT_TRUE(prefix_matches(id, "anything"));  // nothing known yet
  id.fingerprint_bytes = 3;
  id.fingerprint = fingerprint_hash("abc");
  EXPECT_TRUE(prefix_matches(id, "abcdef"));
  EXPECT_FALSE(prefix_matches(id, "ab"));
  EXPECT_FALSE(prefix_matches(id, "abd"));
}

TEST(FileIo, EndOfLastLine) {
  TempDir dir;
  const auto path = dir / "a.log";
  write(path, "one\ntwo\nthr");
  std::error_code ec;
  auto fd = open_for_reading(path, ec);
  EXPECT_EQ(end_of_last_line(fd.get(), 11), 8u);
  EXPECT_EQ(end_of_last_line(fd.get(), 11, 2), 11u);  // no newline within the window
}

}  // namespace
}  // namespace pyrolog::files
