#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "channel/result.h"
#include "channel/segment_reader.h"

namespace pyrolog::channel {

namespace detail {
class ChannelCore;
struct ReaderSlot;
}  // namespace detail

struct Frame {
  std::uint64_t seq = 0;
  std::vector<std::byte> payload;
};

// A named reader of a channel, with its own persisted cursor. Frames are read in order, one at a time, with
// pread(2) into the caller's buffer: memory use is one payload. `ack(seq)` says that every frame up to and
// including `seq` is done with; the channel deletes a segment once every reader has acknowledged past it.
// After a restart (or rewind()) reading resumes at the first unacknowledged frame, so frames read but not
// acknowledged are delivered again: at least once.
//
// Threads: all methods are safe to call from any thread (they are serialised by a per-reader mutex, except
// that wait_for_data does not hold it while waiting). A Reader may outlive its Channel: its calls then fail
// with Errc::closed. Destroying the Reader persists its cursor and frees its name for open_reader.
class Reader {
 public:
  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  const std::string& name() const noexcept;

  // Reads the next committed frame into `frame` (its payload buffer is reused). Returns true when a frame was
  // read, false when there is nothing more for now; in that case the data-available callback is armed.
  // Damaged frames are skipped (and counted in Stats) rather than returned. I/O errors are returned and the
  // position is unchanged.
  Result<bool> read(Frame& frame);
  Result<std::optional<Frame>> read();
  // read(frame), for a caller that may still hold some payloads in memory: for the next frame, `have(seq)` is
  // asked first, and when it says yes the payload is neither read nor checked (frame.payload is left empty).
  // `have` runs with the reader's lock held; it must not call back into this Reader.
  Result<bool> read(Frame& frame, const std::function<bool(std::uint64_t)>& have);
  // The same, with the payload read into the bytes `into(length)` returns rather than into frame.payload
  // (left empty), so that a caller can read it straight into the buffer it keeps. `into` may be called more
  // than once in one read (a damaged frame is skipped): the last call's bytes hold the payload. It runs with
  // the reader's lock held.
  using PayloadBuffer = std::function<std::span<std::byte>(std::size_t length)>;
  Result<bool> read(Frame& frame, const std::function<bool(std::uint64_t)>& have, const PayloadBuffer& into);

  // Acknowledges every frame up to and including `seq`, which must have been read (Errc::not_delivered
  // otherwise). Acknowledging an older number is a no-op. Persisted in the background
  // (Options::cursor_flush_interval), by flush_cursor(), when the Reader is destroyed and when the channel
  // closes.
  std::error_code ack(std::uint64_t seq);
  std::error_code flush_cursor();

  // Goes back to the first unacknowledged frame (to deliver again what was read but not acknowledged).
  void rewind();

  // `callback` runs once, after a read() has returned false, as soon as new frames are committed (or the
  // channel closes). It runs on the thread that committed them: the sync thread for `always` and `interval`,
  // the appending thread for `never`, the closing thread on close. It must be quick and must not call back
  // into this Reader or append to the channel; post the work elsewhere (e.g. an Asio executor).
  void set_data_available_callback(std::function<void()> callback);

  // Blocks until there is something to read after the current position, the channel closes, or the timeout.
  // Returns whether there is (true on close too). For tests and simple consumers.
  bool wait_for_data(std::chrono::milliseconds timeout);

  std::uint64_t last_delivered_seq() const;  // 0 before the first frame

 private:
  friend class Channel;
  Reader(std::shared_ptr<detail::ChannelCore> core, std::shared_ptr<detail::ReaderSlot> slot);
  void position_at_ack_locked();

  struct Delivered {
    std::uint64_t seq = 0;
    std::uint64_t segment = 0;
    std::uint64_t next_offset = 0;
  };

  mutable std::mutex mu_;
  std::shared_ptr<detail::ChannelCore> core_;
  std::shared_ptr<detail::ReaderSlot> slot_;
  std::uint64_t segment_ = 0;   // the segment being read (0: before the first)
  std::uint64_t offset_ = 0;    // the next item in it
  std::uint64_t expected_ = 0;  // frames below this were delivered (or acknowledged) already
  std::uint64_t last_delivered_ = 0;
  SegmentReader file_;
  std::uint64_t file_segment_ = 0;
  std::deque<Delivered> delivered_;  // read but unacknowledged frames: where each ends, for the cursor hint
};

}  // namespace pyrolog::channel
