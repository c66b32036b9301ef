#include "file_input/file_reader.h"

#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace pyrolog::files {
namespace {

using Events = std::vector<std::pair<std::string, std::int64_t>>;  // raw, file.offset

struct Read {
  Events events;
  ReadCounts counts;
};

// Feeds `chunks` to a reader, each either copied (`consume`) or placed in the batch first (`consume_stored`).
Read read(const std::vector<std::string>& chunks, bool stored, Utf8Mode mode, std::size_t max_line = 1024,
          OverlongMode overlong = OverlongMode::truncate) {
  ReaderSettings settings;
  settings.max_line_bytes = max_line;
  settings.overlong = overlong;
  settings.invalid_utf8 = mode;
  FileReader reader(settings, 0);
  EXPECT_TRUE(reader.reads_into_batch());
  Read out;
  for (const std::string& chunk : chunks) {
    Batch b;
    BatchTarget t(b, "/x.log", 0, mode);
    if (stored) {
      char* in_batch = b.allocate(chunk.size());
      std::memcpy(in_batch, chunk.data(), chunk.size());
      reader.consume_stored(std::string_view(in_batch, chunk.size()), t);
    } else {
      reader.consume(chunk, t);
    }
    for (const Event& e : b.events())
      out.events.emplace_back(std::string(e.raw), b.find(e, kOffsetField)->as_integer());
    out.counts.invalid_utf8 += t.counts().invalid_utf8;
    out.counts.split += t.counts().split;
  }
  return out;
}

// Whether a read is checked for UTF-8 as a whole or line by line, the events and counts are the same: invalid
// bytes are found in a read that is not all ASCII, in a line begun in an earlier read, and in the pieces of a
// split line (a piece may end inside a character).
TEST(FileReader, BytesReadIntoTheBatchGiveTheSameEventsAsCopiedOnes) {
  const std::vector<std::vector<std::string>> inputs = {
      {"plain\nascii lines\nonly\n"},
      {"good\nbad \xff line\nend\n", "caf\xC3\xA9\n"},
      {"begun in one read \xC3", "\xA9 ended in the next\nascii\n"},
      {"ab\xC3\xA9\xC3\xA9\xC3\xA9\n", "0123456789\n"},  // split at 5 bytes: a piece ends inside a character
  };
  for (auto mode : {Utf8Mode::keep, Utf8Mode::replace}) {
    for (const auto& chunks : inputs) {
      SCOPED_TRACE(chunks.front());
      const Read copied = read(chunks, false, mode, 5, OverlongMode::split);
      const Read stored = read(chunks, true, mode, 5, OverlongMode::split);
      EXPECT_EQ(stored.events, copied.events);
      EXPECT_EQ(stored.counts.invalid_utf8, copied.counts.invalid_utf8);
      EXPECT_EQ(stored.counts.split, copied.counts.split);
    }
  }
  const Read replaced = read({"good\nbad \xff line\nend\n"}, true, Utf8Mode::replace);
  EXPECT_EQ(replaced.events, (Events{{"good", 0}, {"bad \xEF\xBF\xBD line", 5}, {"end", 16}}));
  EXPECT_EQ(replaced.counts.invalid_utf8, 1u);
  const Read split = read({"ab\xC3\xA9\xC3\xA9\n"}, true, Utf8Mode::keep, 5, OverlongMode::split);
  EXPECT_EQ(split.counts.invalid_utf8, 2u);  // "ab\xC3\xA9\xC3" and "\xA9": each piece is invalid alone
}

}  // namespace
}  // namespace pyrolog::files
