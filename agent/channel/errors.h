#pragma once

#include <system_error>

namespace pyrolog::channel {

// Errors of the channel itself. I/O failures are reported with their `std::system_category` code (ENOSPC,
// EIO...).
enum class Errc {
  full = 1,          // appending would exceed `Options::max_bytes`; retry after the space-available hook
  frame_too_large,   // the payload is larger than the channel's maximum frame payload
  closed,            // the channel has been closed
  invalid_argument,  // bad options, reader name or argument
  reader_busy,       // the reader is already open (or is open while being removed)
  no_such_reader,    // `remove_reader` of a name the channel does not know
  not_delivered,     // `ack` of a sequence number the reader has not been given yet
  locked,            // another process (or Channel object) has the directory open
  not_a_channel,     // the operator functions were pointed at something that is not a channel directory
};

const std::error_category& channel_category() noexcept;
std::error_code make_error_code(Errc e) noexcept;

}  // namespace pyrolog::channel

template <>
struct std::is_error_code_enum<pyrolog::channel::Errc> : std::true_type {};
