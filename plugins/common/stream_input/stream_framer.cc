#include "stream_framer.h"

#include <algorithm>
#include <cstring>

namespace pyrolog::stream_input {
namespace {

constexpr std::size_t kMaxLengthDigits = 10;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

void Framer::emit(std::string_view frame, const OnFrame& on_frame) {
  ++stats_.frames;
  on_frame(frame);
}

void Framer::start_octets(std::uint64_t length) {
  length_text_.clear();
  current_.clear();
  if (length == 0) {
    state_ = State::frame_start;
    return;
  }
  if (length <= options_.max_message_bytes) {
    remaining_ = length;
    skip_after_ = 0;
    state_ = State::octets;
  } else if (options_.overlong == Overlong::truncate) {
    ++stats_.truncated;
    remaining_ = options_.max_message_bytes;
    skip_after_ = length - options_.max_message_bytes;
    state_ = State::octets;
  } else {
    ++stats_.dropped;
    remaining_ = length;
    state_ = State::skip;
  }
}

void Framer::add_to_line(std::string_view bytes) {
  const std::size_t room = options_.max_message_bytes - std::min(options_.max_message_bytes, current_.size());
  if (bytes.size() > room) {
    line_overlong_ = true;
    bytes = bytes.substr(0, room);
  }
  if (!line_overlong_ || options_.overlong == Overlong::truncate) current_.append(bytes);
}

std::size_t Framer::find_delimiter(std::string_view data) const {
  // memchr: libc's vectorised search, many times faster than a byte loop on lines of a few hundred bytes.
  const void* newline = std::memchr(data.data(), '\n', data.size());
  std::size_t end = newline == nullptr
                        ? data.size()
                        : static_cast<std::size_t>(static_cast<const char*>(newline) - data.data());
  if (options_.nul_delimiter && end > 0) {
    const void* nul = std::memchr(data.data(), '\0', end);
    if (nul != nullptr) end = static_cast<std::size_t>(static_cast<const char*>(nul) - data.data());
  }
  return end;
}

void Framer::feed(std::string_view data, const OnFrame& on_frame) {
  while (!data.empty()) {
    switch (state_) {
      case State::frame_start: {
        const char c = data[0];
        if (exact_newline()) {
          current_.clear();
          line_overlong_ = false;
          state_ = State::line;
          break;
        }
        if (c == '\n' || c == '\r' || c == '\0' || c == ' ') {
          data.remove_prefix(1);
          break;
        }
        current_.clear();
        length_text_.clear();
        line_overlong_ = false;
        if (options_.framing != Framing::newline && c >= '1' && c <= '9') {
          state_ = State::length;
        } else if (options_.framing == Framing::octet_counting) {
          ++stats_.framing_errors;
          state_ = State::skip_line;
        } else {
          state_ = State::line;
        }
        break;
      }
      case State::length: {
        const char c = data[0];
        if (is_digit(c) && length_text_.size() < kMaxLengthDigits) {
          length_text_.push_back(c);
          data.remove_prefix(1);
        } else if (c == ' ') {
          data.remove_prefix(1);
          std::uint64_t length = 0;
          for (char d : length_text_) {
            length = length * 10 + static_cast<std::uint64_t>(d - '0');
          }
          start_octets(length);
        } else if (options_.framing == Framing::octet_counting) {
          ++stats_.framing_errors;
          length_text_.clear();
          state_ = State::skip_line;
        } else {
          // Not an octet count after all: the digits begin a line.
          current_.clear();
          line_overlong_ = false;
          add_to_line(length_text_);
          length_text_.clear();
          state_ = State::line;
        }
        break;
      }
      case State::octets: {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, data.size()));
        if (current_.empty() && n == remaining_) {
          emit(data.substr(0, n), on_frame);  // the whole frame is in this piece: no copy
        } else {
          current_.append(data.substr(0, n));
          if (n == remaining_) {
            emit(current_, on_frame);
            current_.clear();
          }
        }
        remaining_ -= n;
        data.remove_prefix(n);
        if (remaining_ == 0) {
          remaining_ = skip_after_;
          skip_after_ = 0;
          state_ = remaining_ > 0 ? State::skip : State::frame_start;
        }
        break;
      }
      case State::skip: {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, data.size()));
        remaining_ -= n;
        data.remove_prefix(n);
        if (remaining_ == 0) state_ = State::frame_start;
        break;
      }
      case State::line: {
        const std::size_t end = find_delimiter(data);
        if (end == data.size()) {
          add_to_line(data);
          data = {};
          break;
        }
        std::string_view line;
        if (current_.empty() && !line_overlong_) {
          line = data.substr(0, end);
          if (line.size() > options_.max_message_bytes) {
            line_overlong_ = true;
            line = options_.overlong == Overlong::truncate ? line.substr(0, options_.max_message_bytes)
                                                           : std::string_view();
          }
        } else {
          add_to_line(data.substr(0, end));
          line = current_;
        }
        data.remove_prefix(end + 1);
        if (line_overlong_) {
          if (options_.overlong == Overlong::truncate) {
            ++stats_.truncated;
          } else {
            ++stats_.dropped;
            line = {};
          }
        } else if (!line.empty() && line.back() == '\r' && !exact_newline()) {
          line.remove_suffix(1);
        }
        if (!line.empty() || (exact_newline() && !(line_overlong_ && options_.overlong == Overlong::drop))) {
          emit(line, on_frame);
        }
        current_.clear();
        line_overlong_ = false;
        state_ = State::frame_start;
        break;
      }
      case State::skip_line: {
        const void* nl = std::memchr(data.data(), '\n', data.size());
        if (nl == nullptr) {
          data = {};
        } else {
          data.remove_prefix(static_cast<std::size_t>(static_cast<const char*>(nl) - data.data()) + 1);
          state_ = State::frame_start;
        }
        break;
      }
    }
  }
}

void Framer::finish(const OnFrame& on_frame) {
  switch (state_) {
    case State::length:
      if (options_.framing == Framing::octet_counting) {
        ++stats_.framing_errors;
      } else {
        emit(length_text_, on_frame);
      }
      break;
    case State::octets:
      if (!current_.empty()) {
        ++stats_.truncated;
        emit(current_, on_frame);
      }
      break;
    case State::line: {
      std::string_view line = current_;
      if (line_overlong_) {
        if (options_.overlong == Overlong::truncate) {
          ++stats_.truncated;
        } else {
          ++stats_.dropped;
          line = {};
        }
      }
      if (!line.empty() && line.back() == '\r' && !exact_newline()) line.remove_suffix(1);
      if (!line.empty() || (exact_newline() && line_overlong_ && options_.overlong == Overlong::truncate)) {
        emit(line, on_frame);
      }
      break;
    }
    default:
      break;
  }
  state_ = State::frame_start;
  current_.clear();
  length_text_.clear();
  remaining_ = skip_after_ = 0;
  line_overlong_ = false;
}

}  // namespace pyrolog::stream_input
