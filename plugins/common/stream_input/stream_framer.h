#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace pyrolog::stream_input {

// How a stream is cut into messages.
enum class Framing : std::uint8_t {
  automatic,       // per frame: a digit starts an octet count, anything else a line
  octet_counting,  // RFC 6587 3.4.1 only: `LEN SP MSG`
  newline,         // RFC 6587 3.4.2 only: MSG LF (and NUL, when enabled)
};

enum class Overlong : std::uint8_t { truncate, drop };

struct FramerOptions {
  Framing framing = Framing::automatic;
  std::size_t max_message_bytes = 64 * 1024;
  Overlong overlong = Overlong::truncate;
  bool nul_delimiter = false;  // newline framing: NUL also ends a message
  // newline framing: a line is every byte before its LF (leading blanks and a trailing CR kept, empty lines
  // emitted), as a plain line protocol wants. Off: syslog's tolerance (blanks between frames and empty lines
  // skipped, a trailing CR removed).
  bool exact_lines = false;
};

struct FramerStats {
  std::uint64_t frames = 0;
  std::uint64_t truncated = 0;  // cut to max_message_bytes (the rest skipped)
  std::uint64_t dropped = 0;    // over max_message_bytes and discarded whole
  std::uint64_t framing_errors =
      0;  // octet_counting: a frame without a valid length (skipped to the next LF)
};

// Cuts a byte stream into frames (RFC 6587 octet counting, lines, or either per frame), fed in pieces of any
// size. Memory is bounded by max_message_bytes whatever the input: a length prefix of 2^31 makes the framer
// skip (or truncate) that many bytes, never buffer them. After a bad frame it finds the next one: an octet
// count of the wrong shape ends at the next LF
// (`octet_counting`) or is read as the start of a line (`automatic`). A line's trailing CR is not part of it;
// empty lines are skipped (unless `exact_lines`).
class Framer {
 public:
  using OnFrame = std::function<void(std::string_view)>;
  explicit Framer(FramerOptions options) : options_(options) {}

  // Calls `on_frame` for each complete frame; the view is valid during the call only.
  void feed(std::string_view data, const OnFrame& on_frame);
  // End of stream: a partial line is a frame; a partial octet-counted frame is emitted as far as it came and
  // counted as truncated.
  void finish(const OnFrame& on_frame);

  const FramerStats& stats() const { return stats_; }
  std::size_t pending_bytes() const { return current_.size(); }

 private:
  enum class State : std::uint8_t { frame_start, length, octets, line, skip, skip_line };

  void emit(std::string_view frame, const OnFrame& on_frame);
  void start_octets(std::uint64_t length);
  // Appends to the line in progress within the limit.
  void add_to_line(std::string_view bytes);
  // The offset of the first delimiter (a newline, or NUL with nul_delimiter) in `data`, or its size if none.
  std::size_t find_delimiter(std::string_view data) const;
  bool exact_newline() const { return options_.exact_lines && options_.framing == Framing::newline; }

  FramerOptions options_;
  State state_ = State::frame_start;
  std::string current_;           // the frame in progress (at most max_message_bytes)
  std::string length_text_;       // digits of an octet count in progress
  std::uint64_t remaining_ = 0;   // octets still to read (state octets) or to skip (state skip)
  std::uint64_t skip_after_ = 0;  // octets to skip once a truncated frame is complete
  bool line_overlong_ = false;
  FramerStats stats_;
};

}  // namespace pyrolog::stream_input
