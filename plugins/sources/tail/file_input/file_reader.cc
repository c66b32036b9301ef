#include "file_reader.h"

namespace pyrolog::files {

void BatchTarget::add_stored(std::string_view raw, std::uint64_t offset) {
  if (!is_valid_utf8(raw)) {
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
