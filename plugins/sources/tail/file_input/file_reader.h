#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "event/batch.h"
#include "line_framer.h"
#include "multiline_grouper.h"
#include "utf8.h"

namespace pyrolog::files {

// The fields every event from a file carries. Literals: they live as long as the process.
inline constexpr std::string_view kPathField = "file.path";
inline constexpr std::string_view kOffsetField = "file.offset";
inline constexpr std::size_t kFieldsPerEvent = 2;  // the two above

// How a file's bytes become events; the same for every file of a source.
struct ReaderSettings {
  std::size_t max_line_bytes = 1024 * 1024;
  OverlongMode overlong = OverlongMode::truncate;
  Utf8Mode invalid_utf8 = Utf8Mode::keep;
  const MultilineRules* multiline = nullptr;  // null: one line, one event
};

// What happened to the lines of one batch, for the source's metrics.
struct ReadCounts {
  std::uint64_t split = 0;
  std::uint64_t truncated = 0;
  std::uint64_t dropped = 0;
  std::uint64_t invalid_utf8 = 0;
  std::uint64_t multiline_limited = 0;
};

// The events of one batch from one file: each gets `file.path` and `file.offset` (where its first byte is in
// the file), a timestamp (when it was read), and its raw bytes as read, or with invalid UTF-8 replaced.
class BatchTarget {
 public:
  BatchTarget(Batch& batch, std::string_view path, TimestampNs now, Utf8Mode invalid_utf8)
      : batch_(batch), path_(path), now_(now), invalid_utf8_(invalid_utf8) {}

  // `raw` already lives in the batch.
  void add_stored(std::string_view raw, std::uint64_t offset);
  // Bytes already checked to be valid UTF-8: a line wholly inside them is not checked again.
  void set_valid_utf8(std::string_view checked) { valid_utf8_ = checked; }
  // `raw` is copied into the batch.
  void add_copy(std::string_view raw, std::uint64_t offset) { add_stored(batch_.store(raw), offset); }

  Batch& batch() { return batch_; }
  ReadCounts& counts() { return counts_; }

 private:
  Batch& batch_;
  std::string_view path_;
  std::string_view stored_path_;  // `path_` copied into the batch, on the first event
  std::string_view valid_utf8_;
  TimestampNs now_;
  Utf8Mode invalid_utf8_;
  std::string scratch_;
  ReadCounts counts_;
};

// The bytes of one read of a file, and where they are.
struct Chunk {
  std::string_view bytes;
  bool in_batch = false;  // read straight into the events' batch
};

// Turns the bytes of one file into events, in order, and knows how far the file is settled: every byte before
// `settled_offset()` belongs to an event already emitted (or to a line dropped on purpose). A partial last
// line and, with multiline grouping, the event still being grouped are held until they are complete or
// flushed, and are not settled: a restart reads them again.
class FileReader {
 public:
  FileReader(const ReaderSettings& settings, std::uint64_t offset);

  // `data` are the file's bytes at `offset()`.
  void consume(std::string_view data, BatchTarget& target);
  // Whether bytes read straight into the events' batch can be consumed in place (`consume_stored`): yes
  // unless lines are grouped, which copies each group.
  bool reads_into_batch() const { return !grouper_.has_value(); }
  // `consume` for bytes that live in the target's batch already: whole lines become events without a copy,
  // and the UTF-8 check is made once for all of them.
  void consume_stored(std::string_view data, BatchTarget& target);

  // Reads the file's next bytes at `offset()` from `fd`, at most `buffer.size()`. They go straight into
  // `batch` when they can be consumed in place and `file_size` (what the caller knows of the file's size;
  // 0 when nothing) says how many there are past the offset, so the batch holds no more memory than was
  // read; otherwise into `buffer`. Returns the number of bytes (0 at the end), or -1 with `ec` set.
  std::ptrdiff_t read(int fd, std::uint64_t file_size, Batch& batch, std::span<char> buffer, Chunk& chunk,
                      std::error_code& ec) const;
  // `consume` or `consume_stored`, as the chunk was read.
  void consume(const Chunk& chunk, BatchTarget& target) {
    chunk.in_batch ? consume_stored(chunk.bytes, target) : consume(chunk.bytes, target);
  }
  // Ends a partial last line that waited too long: it becomes a line (and may still be grouped).
  void flush_line(BatchTarget& target);
  // Emits the event being grouped (no line came for the multiline timeout); a partial line stays held.
  void flush_group(BatchTarget& target);
  // Emits everything held: the partial last line and the event being grouped (end of a file).
  void flush(BatchTarget& target);

  // The next byte to read.
  std::uint64_t offset() const { return framer_.offset(); }
  std::uint64_t settled_offset() const;
  bool holds_line() const { return framer_.in_line(); }
  bool holds_group() const { return grouper_ && grouper_->pending(); }
  bool holds_anything() const { return holds_line() || holds_group(); }

 private:
  template <class F>
  void counted(BatchTarget& target, F&& f);

  LineFramer framer_;
  std::optional<MultilineGrouper> grouper_;
};

}  // namespace pyrolog::files
