#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "base/unique_fd.h"
#include "channel/result.h"
#include "channel/segment_format.h"

namespace pyrolog::channel {

enum class DamageKind {
  bad_header,   // bytes where a frame header should be are not a valid header (skipped up to the next one)
  bad_payload,  // valid header, payload checksum mismatch (skipped by the header's length)
  truncated,    // valid header, but the frame runs past the end of the readable data
};
std::string_view to_string(DamageKind kind) noexcept;

// One step of a walk through a segment.
struct ScanItem {
  enum class Kind { frame, damaged, end };
  Kind kind = Kind::end;
  std::uint64_t offset = 0;  // where the frame or damaged region starts
  std::uint64_t next = 0;    // where the following item starts (> offset unless kind == end)
  FrameHeader header{};      // kind == frame
  DamageKind damage = DamageKind::bad_header;  // kind == damaged
};

// Reads one segment file frame by frame with pread(2): memory use is one frame's payload (into a caller-owned
// buffer) plus a fixed 64 KiB scratch buffer, never the segment.
//
// Damage and resynchronisation: when the bytes at an offset are not a valid frame header, or a valid header's
// frame runs past `limit`, the reader scans forward byte by byte (in 64 KiB chunks, memchr for the magic) for
// the next position holding a valid header (magic, header CRC32C, length within the format limit, frame ends
// within `limit`). The bytes in between are one damaged region. Every step advances, so a walk is linear in
// the segment size and always ends. A frame whose header is valid but whose payload fails its checksum is
// skipped by length.
//
// Not thread-safe; one SegmentReader per thread.
class SegmentReader {
 public:
  SegmentReader() = default;
  explicit SegmentReader(UniqueFd fd) : fd_(std::move(fd)) {}
  static Result<SegmentReader> open(const std::filesystem::path& path);

  bool is_open() const noexcept { return fd_.valid(); }
  int fd() const noexcept { return fd_.get(); }
  void close() noexcept { fd_.reset(); }

  // Reads the segment header at offset 0.
  Result<SegmentHeaderStatus> read_header(SegmentHeader& out);

  // Examines the frame at `offset`, looking at no byte at or beyond `limit`. Reads the 24-byte header only
  // (plus the resync scan when the header is damaged); payloads are checked with read_payload/check_payload.
  Result<ScanItem> next(std::uint64_t offset, std::uint64_t limit);

  // Reads the payload of a frame item into `out` (resized to the payload length). Returns whether its
  // checksum matches.
  Result<bool> read_payload(const ScanItem& item, std::vector<std::byte>& out);
  // Into `out`, which holds exactly item.header.length bytes.
  Result<bool> read_payload(const ScanItem& item, std::span<std::byte> out);
  // Checks the payload checksum of a frame item, streaming through the scratch buffer.
  Result<bool> check_payload(const ScanItem& item);

 private:
  // The offset of the next valid frame header at or after `from`, or `limit` if there is none.
  Result<std::uint64_t> find_next_header(std::uint64_t from, std::uint64_t limit);
  std::vector<std::byte>& scratch();

  UniqueFd fd_;
  std::vector<std::byte> scratch_;
};

}  // namespace pyrolog::channel
