#include "file_reader.h"

#include <algorithm>
#include <functional>

#include "file_io.h"

namespace pyrolog::files {

void BatchTarget::add_stored(std::string_view raw, std::uint64_t offset) {
  const std::less<const char*> before;
  const bool checked = !before(raw.data(), valid_utf8_.data()) &&
                       !before(valid_utf8_.data() + valid_utf8_.size(), raw.data() + raw.size());
  if (!checked && !is_valid_utf8(raw)) {
    ++counts_.invalid_utf8;
    if (invalid_utf8_ == Utf8Mode::replace) {
      scratch_.clear();
      append_replacing_invalid_utf8(scratch_, raw);
      raw = batch_.store(scratch_);
    }
  }
  if (stored_path_.data() == nullptr) stored_path_ = batch_.store(path_);
  Event& e = batch_.add_event(now_, raw);
  batch_.append(e, kPathField, Value::string(stored_path_));
  batch_.append(e, kOffsetField, Value::integer(static_cast<std::int64_t>(offset)));
}

FileReader::FileReader(const ReaderSettings& settings, std::uint64_t offset)
    : framer_(settings.max_line_bytes, settings.overlong, offset) {
  if (settings.multiline != nullptr) grouper_.emplace(*settings.multiline);
}

std::uint64_t FileReader::settled_offset() const {
  if (grouper_ && grouper_->pending()) return grouper_->pending_start();
  return framer_.settled_offset();
}

template <class F>
void FileReader::counted(BatchTarget& target, F&& f) {
  const FramerCounts before = framer_.counts();
  const std::uint64_t limited_before = grouper_ ? grouper_->counts().limited : 0;
  f();
  const FramerCounts& after = framer_.counts();
  ReadCounts& c = target.counts();
  c.split += after.split - before.split;
  c.truncated += after.truncated - before.truncated;
  c.dropped += after.dropped - before.dropped;
  if (grouper_) c.multiline_limited += grouper_->counts().limited - limited_before;
}

void FileReader::consume(std::string_view data, BatchTarget& target) {
  counted(target, [&] {
    if (!grouper_) {
      framer_.feed(data, target.batch(),
                   [&](std::string_view line, std::uint64_t start) { target.add_stored(line, start); });
      return;
    }
    // Lines only pass through on their way into a group: frame them into a scratch batch, so the events'
    // batch holds each byte once.
    Batch scratch;
    auto on_event = [&](std::string_view text, std::uint64_t start) { target.add_copy(text, start); };
    framer_.feed(data, scratch,
                 [&](std::string_view line, std::uint64_t start) { grouper_->add(line, start, on_event); });
  });
}

void FileReader::consume_stored(std::string_view data, BatchTarget& target) {
  // When the whole lines of `data` are all ASCII, so is every line and every piece of an over-long one.
  const std::string_view whole = data.substr(0, data.rfind('\n') + 1);  // empty when there is no newline
  if (!whole.empty() && is_ascii(whole)) target.set_valid_utf8(whole);
  counted(target, [&] {
    framer_.feed_stored(data, target.batch(),
                        [&](std::string_view line, std::uint64_t start) { target.add_stored(line, start); });
  });
}

std::ptrdiff_t FileReader::read(int fd, std::uint64_t file_size, Batch& batch, std::span<char> buffer,
                                Chunk& chunk, std::error_code& ec) const {
  char* into = buffer.data();
  std::size_t want = buffer.size();
  if (reads_into_batch() && file_size > offset()) {
    want = static_cast<std::size_t>(std::min<std::uint64_t>(file_size - offset(), want));
    into = batch.allocate(want);
  }
  const std::ptrdiff_t n = read_at(fd, into, want, offset(), ec);
  chunk.bytes = n > 0 ? std::string_view(into, static_cast<std::size_t>(n)) : std::string_view();
  chunk.in_batch = into != buffer.data();
  return n;
}

void FileReader::flush_line(BatchTarget& target) {
  counted(target, [&] {
    if (!grouper_) {
      framer_.flush(target.batch(),
                    [&](std::string_view line, std::uint64_t start) { target.add_stored(line, start); });
      return;
    }
    Batch scratch;
    auto on_event = [&](std::string_view text, std::uint64_t start) { target.add_copy(text, start); };
    framer_.flush(scratch,
                  [&](std::string_view line, std::uint64_t start) { grouper_->add(line, start, on_event); });
  });
}

void FileReader::flush_group(BatchTarget& target) {
  if (!grouper_) return;
  counted(target, [&] {
    grouper_->flush([&](std::string_view text, std::uint64_t start) { target.add_copy(text, start); });
  });
}

void FileReader::flush(BatchTarget& target) {
  flush_line(target);
  flush_group(target);
}

}  // namespace pyrolog::files
