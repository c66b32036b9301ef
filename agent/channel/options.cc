#include "channel/options.h"

#include <algorithm>

#include "channel/directory_layout.h"
#include "channel/errors.h"
#include "channel/segment_format.h"

namespace pyrolog::channel {
namespace {

constexpr std::uint64_t kMinSegmentBytes = kSegmentHeaderSize + kFrameHeaderSize + 1;

}  // namespace

std::error_code validate(Options& options) {
  if (options.directory.empty()) return Errc::invalid_argument;
  if (options.segment_bytes < kMinSegmentBytes) return Errc::invalid_argument;
  if (options.max_bytes < options.segment_bytes) return Errc::invalid_argument;
  if (options.sync == SyncPolicy::interval && options.sync_interval.count() <= 0)
    return Errc::invalid_argument;
  if (options.cursor_flush_interval.count() <= 0) return Errc::invalid_argument;
  if (options.max_frame_bytes == 0) return Errc::invalid_argument;
  for (const auto& name : options.readers) {
    if (!is_valid_reader_name(name)) return Errc::invalid_argument;
  }
  const std::uint64_t fits = options.segment_bytes - kSegmentHeaderSize - kFrameHeaderSize;
  options.max_frame_bytes =
      static_cast<std::uint32_t>(std::min<std::uint64_t>({options.max_frame_bytes, fits, kMaxFramePayload}));
  return {};
}

}  // namespace pyrolog::channel
