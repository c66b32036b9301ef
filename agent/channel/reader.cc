#include "channel/reader.h"

#include <cerrno>

#include "channel/channel_core.h"
#include "channel/directory_layout.h"
#include "channel/errors.h"

namespace pyrolog::channel {
namespace {

// Positions of delivered frames kept for the cursor hint; beyond this a reopen scans from the segment start.
constexpr std::size_t kMaxDeliveredPositions = 1 << 16;

}  // namespace

Reader::Reader(std::shared_ptr<detail::ChannelCore> core, std::shared_ptr<detail::ReaderSlot> slot)
    : core_(std::move(core)), slot_(std::move(slot)) {
  std::lock_guard lock(mu_);
  position_at_ack_locked();
}

Reader::~Reader() {
  core_->detach_reader(*slot_);
}

const std::string& Reader::name() const noexcept {
  return slot_->name;
}

void Reader::position_at_ack_locked() {
  const detail::ReadStart start = core_->read_start(*slot_);
  segment_ = start.segment;
  offset_ = start.offset;
  expected_ = start.next_seq;
  delivered_.clear();
  file_.close();
  file_segment_ = 0;
}

void Reader::rewind() {
  std::lock_guard lock(mu_);
  position_at_ack_locked();
}

Result<bool> Reader::read(Frame& frame) {
  return read(frame, {});
}

Result<bool> Reader::read(Frame& frame, const std::function<bool(std::uint64_t)>& have) {
  return read(frame, have, {});
}

Result<bool> Reader::read(Frame& frame, const std::function<bool(std::uint64_t)>& have,
                          const PayloadBuffer& into) {
  std::lock_guard lock(mu_);
  // Every pass either returns or moves (segment_, offset_) forward, and segments are finite: this ends.
  for (;;) {
    const detail::SegmentView v = core_->view(*slot_, segment_, offset_);
    if (v.closed) return Errc::closed;
    if (!v.readable || offset_ >= v.limit) {
      if (v.next_segment == 0) return false;
      segment_ = v.next_segment;
      offset_ = kSegmentHeaderSize;
      continue;
    }
    if (!file_.is_open() || file_segment_ != segment_) {
      file_.close();
      auto opened = SegmentReader::open(core_->directory() / segment_file_name(segment_));
      if (!opened) {
        if (opened.error() == std::errc::no_such_file_or_directory) {
          offset_ = v.limit;  // deleted since the view: every reader was past it
          continue;
        }
        core_->report_read_error(segment_, opened.error());
        return opened.error();
      }
      file_ = std::move(*opened);
      file_segment_ = segment_;
    }
    auto item = file_.next(offset_, v.limit);
    if (!item) {
      core_->report_read_error(segment_, item.error());
      return item.error();
    }
    switch (item->kind) {
      case ScanItem::Kind::end:
        offset_ = v.limit;
        continue;
      case ScanItem::Kind::damaged:
        core_->report_damage(segment_, item->offset, item->next - item->offset, item->damage);
        offset_ = item->next;
        continue;
      case ScanItem::Kind::frame:
        break;
    }
    if (item->header.seq < expected_) {  // acknowledged (or delivered) already: skip without reading it
      offset_ = item->next;
      continue;
    }
    if (have && have(item->header.seq)) {
      frame.payload.clear();  // the caller has it
    } else {
      frame.payload.clear();
      auto intact = into ? file_.read_payload(*item, into(item->header.length))
                         : file_.read_payload(*item, frame.payload);
      if (!intact) {
        core_->report_read_error(segment_, intact.error());
        return intact.error();
      }
      if (!*intact) {
        core_->report_damage(segment_, item->offset, item->next - item->offset, DamageKind::bad_payload);
        offset_ = item->next;
        continue;
      }
    }
    frame.seq = item->header.seq;
    offset_ = item->next;
    expected_ = frame.seq + 1;
    last_delivered_ = frame.seq;
    delivered_.push_back({frame.seq, segment_, offset_});
    if (delivered_.size() > kMaxDeliveredPositions) delivered_.pop_front();
    return true;
  }
}

Result<std::optional<Frame>> Reader::read() {
  Frame frame;
  auto got = read(frame);
  if (!got) return got.error();
  if (!*got) return std::optional<Frame>();
  return std::optional<Frame>(std::move(frame));
}

std::error_code Reader::ack(std::uint64_t seq) {
  std::uint64_t hint_segment = 0;
  std::uint64_t hint_offset = 0;
  {
    std::lock_guard lock(mu_);
    if (seq >= expected_) return Errc::not_delivered;
    while (!delivered_.empty() && delivered_.front().seq <= seq) {
      hint_segment = delivered_.front().segment;
      hint_offset = delivered_.front().next_offset;
      delivered_.pop_front();
    }
  }
  return core_->ack(*slot_, seq, hint_segment, hint_offset);
}

std::error_code Reader::flush_cursor() {
  return core_->persist_cursor(*slot_);
}

void Reader::set_data_available_callback(std::function<void()> callback) {
  core_->set_data_callback(*slot_, std::move(callback));
}

bool Reader::wait_for_data(std::chrono::milliseconds timeout) {
  std::uint64_t segment = 0;
  std::uint64_t offset = 0;
  {
    std::lock_guard lock(mu_);
    segment = segment_;
    offset = offset_;
  }
  return core_->wait_for_data(segment, offset, timeout);
}

std::uint64_t Reader::last_delivered_seq() const {
  std::lock_guard lock(mu_);
  return last_delivered_;
}

}  // namespace pyrolog::channel
