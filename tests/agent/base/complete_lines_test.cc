#include "base/complete_lines.h"

#include <cstdio>
#include <string>
#include <unistd.h>
#include <utility>

#include <gtest/gtest.h>

namespace pyrolog {
namespace {

// Where the last complete line of a temporary file holding `content` ends.
std::uint64_t complete_end(const std::string& content) {
  std::FILE* f = std::tmpfile();
  EXPECT_NE(f, nullptr);
  EXPECT_EQ(std::fwrite(content.data(), 1, content.size(), f), content.size());
  std::fflush(f);
  std::uint64_t end = 12345;
  EXPECT_FALSE(find_complete_lines_end(::fileno(f), content.size(), end));
  std::fclose(f);
  return end;
}

TEST(CompleteLines, AFileOfWholeLinesEndsWhereItEnds) {
  EXPECT_EQ(complete_end("a\nbb\n"), 5u);
  EXPECT_EQ(complete_end(""), 0u);
}

TEST(CompleteLines, AHalfWrittenLastLineIsNotComplete) {
  EXPECT_EQ(complete_end("a\nbb\nfil"), 5u);
  EXPECT_EQ(complete_end("no newline at all"), 0u);
}

TEST(CompleteLines, TheLastNewlineIsFoundBlocksBeforeTheEnd) {
  // A half-written line longer than the 64 KiB block read at a time.
  const std::string head = "first line\n" + std::string(100'000, 'x') + "\n";
  EXPECT_EQ(complete_end(head + std::string(200'000, 'y')), head.size());
  EXPECT_EQ(complete_end(std::string(150'000, 'y')), 0u);
}

TEST(CompleteLines, ASizeBeyondTheFileIsAnError) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  std::fputs("ab\n", f);
  std::fflush(f);
  std::uint64_t end = 0;
  EXPECT_TRUE(find_complete_lines_end(::fileno(f), 10, end));
  std::fclose(f);
}

TEST(CompleteLines, CutHalfWrittenRecordCutsOnlyAfterTheLastCompleteOne) {
  for (const auto& [content, kept] : {std::pair<std::string, std::string>{"a\nbb\nfil", "a\nbb\n"},
                                      {"a\nbb\n", "a\nbb\n"},
                                      {"", ""},
                                      {"no newline", ""}}) {
    std::FILE* f = std::tmpfile();
    ASSERT_NE(f, nullptr);
    std::fputs(content.c_str(), f);
    std::fflush(f);
    std::uint64_t size = 99;
    std::uint64_t cut = 99;
    ASSERT_FALSE(cut_half_written_record(::fileno(f), find_complete_lines_end, size, cut)) << content;
    EXPECT_EQ(size, kept.size()) << content;
    EXPECT_EQ(cut, content.size() - kept.size()) << content;
    std::string after(64, '\0');  // what the file holds now
    const ssize_t n = ::pread(::fileno(f), after.data(), after.size(), 0);
    after.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    EXPECT_EQ(after, kept) << content;
    std::fclose(f);
  }
}

}  // namespace
}  // namespace pyrolog
