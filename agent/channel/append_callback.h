#pragma once

#include <cstdint>
#include <functional>
#include <system_error>

namespace pyrolog::channel {

// Called exactly once per accepted append: `error` is empty when the frame is stored (durably, per the sync
// policy) and visible to readers, with its sequence number; otherwise the frame is not stored.
using AppendCallback = std::function<void(std::error_code error, std::uint64_t seq)>;

}  // namespace pyrolog::channel
