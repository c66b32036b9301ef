#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "channel/result.h"
#include "channel/segment_format.h"
#include "channel/segment_reader.h"

namespace pyrolog::channel {

struct DamageRecord {
  std::uint64_t offset = 0;
  std::uint64_t bytes = 0;
  DamageKind kind = DamageKind::bad_header;
};

// The outcome of walking a whole segment file.
struct SegmentScan {
  SegmentHeaderStatus header_status = SegmentHeaderStatus::too_short;
  SegmentHeader header;
  std::uint64_t file_size = 0;
  std::uint64_t frames = 0;  // valid frames (payloads checked only when asked)
  std::uint64_t payload_bytes = 0;
  std::optional<std::uint64_t> first_seq;  // of the first valid frame
  std::optional<std::uint64_t> last_seq;   // of the last valid frame
  std::uint64_t valid_end = 0;       // end of the last valid frame; kSegmentHeaderSize when there is none
  std::vector<DamageRecord> damage;  // the first kMaxDamageRecords regions
  std::uint64_t damaged_regions = 0;
  std::uint64_t damaged_bytes = 0;
  std::uint64_t tail_bytes() const noexcept { return file_size > valid_end ? file_size - valid_end : 0; }
};

inline constexpr std::size_t kMaxDamageRecords = 1000;

struct ScanOptions {
  bool verify_payloads = true;
  bool stop_at_first_frame = false;
  std::function<void(const ScanItem&)> on_frame;  // each valid frame, in order
};

// Walks the segment from its first frame to the end of the file with bounded memory (see SegmentReader).
Result<SegmentScan> scan_segment(SegmentReader& reader, const ScanOptions& options);

}  // namespace pyrolog::channel
