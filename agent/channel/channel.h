#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <system_error>
#include <vector>

#include "channel/append_callback.h"
#include "channel/errors.h"
#include "channel/events.h"
#include "channel/options.h"
#include "channel/reader.h"
#include "channel/result.h"
#include "channel/stats.h"

namespace pyrolog::channel {

namespace detail {
class ChannelCore;
}  // namespace detail

// A durable, crash-safe, file-backed queue of opaque payloads ("frames") with several independent readers.
// On-disk format and recovery rules: docs/channel-format.md.
//
// Threads and callbacks
// - Every method is thread-safe. Appends from many threads are serialised by one mutex held only for the
//   write(2) into the page cache; fdatasync runs on the channel's own sync thread, without the mutex.
// - AppendCallback runs exactly once per accepted append:
//     `always`, `interval`: on the sync thread, after the fdatasync that covers the frame (or its failure);
//     `never`: on the appending thread, inside try_append, before it returns.
//   Appends in flight at the same time share one fdatasync (group commit); callbacks run in sequence order.
// - The space-available callback runs once after a try_append returned Errc::full, when acknowledgements free
//   segments: on the thread that called Reader::ack (or remove_reader).
// - Reader data-available callbacks: see reader.h. Event callbacks (Options::on_event) run on the thread that
//   found the event: the opening thread for recovery findings, a reader's thread for damage it skips, the
//   sync thread or an appender for I/O errors.
// - No callback runs with an internal lock held, but callbacks that run on the sync thread hold up the next
// group
//   commit: keep them short (post to an executor). Callbacks must not throw, and must not destroy the
//   channel.
// - Channel::close (and the destructor) finishes the pending group commit, runs its callbacks, persists the
//   cursors and joins the sync thread. Readers may outlive the Channel; their calls then fail with
//   Errc::closed.
class Channel {
 public:
  // Opens (creating if needed) the channel in `options.directory`, recovering whatever a crash left there
  // (recovery_events() says what was found). Fails on bad options, on I/O errors that prevent listing the
  // directory, and with Errc::locked when another Channel has the directory open; never because of its
  // contents.
  static Result<std::unique_ptr<Channel>> open(Options options);
  ~Channel();
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  // Appends one payload as one frame. Returns an error (and never calls `done`) when the append is refused:
  //   Errc::full             max_bytes would be exceeded; the space-available callback fires when space is
  //   freed Errc::frame_too_large  the payload is larger than Options::max_frame_bytes (or what fits in a
  //   segment) Errc::closed           the channel is closing or closed an I/O error code      writing failed
  //   (e.g. ENOSPC); no part of the frame is left in the file
  // Otherwise returns {} and `done` runs once the frame is durable per the sync policy, with its sequence
  // number, or with the I/O error that prevented it (then the frame is not stored; see group commit in the
  // format doc). Frames become visible to readers when `done` reports success (for `never`: when written).
  // With `seq` given, the frame's sequence number is stored there when the append is accepted (the number
  // `done` and readers see later).
  std::error_code try_append(std::span<const std::byte> payload, AppendCallback done,
                             std::uint64_t* seq = nullptr);

  // try_append, then blocks until acknowledged. Returns the sequence number. For tests and tools; never call
  // it from a channel callback.
  Result<std::uint64_t> append_and_wait(std::span<const std::byte> payload);

  // Opens a reader by name ([A-Za-z0-9_-]{1,64}); Errc::reader_busy if it is open already. A name the channel
  // has not seen starts at the oldest retained frame and is remembered (its cursor file is written at once).
  Result<std::unique_ptr<Reader>> open_reader(std::string_view name);
  // Forgets a reader that is not open: deletes its cursor, so it no longer holds data back.
  std::error_code remove_reader(std::string_view name);

  void set_space_available_callback(std::function<void()> callback);

  // Makes everything appended so far durable now and persists the cursors; waits for it. With `always` and
  // `interval` this is an early group commit; with `never`, which does not track unsynced files, it is a
  // syncfs(2) of the channel's filesystem.
  std::error_code flush();
  void close();

  Stats stats() const;
  const std::vector<Event>& recovery_events() const noexcept;
  const Options& options() const noexcept;  // as validated (max_frame_bytes capped)

 private:
  explicit Channel(std::shared_ptr<detail::ChannelCore> core) : core_(std::move(core)) {}
  std::shared_ptr<detail::ChannelCore> core_;
};

}  // namespace pyrolog::channel
