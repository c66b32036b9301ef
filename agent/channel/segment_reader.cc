#include "channel/segment_reader.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <fcntl.h>

#include "channel/crc32c.h"
#include "channel/file_io.h"

namespace pyrolog::channel {
namespace {

constexpr std::size_t kScratchSize = 64 * 1024;
constexpr auto kMagicFirstByte = static_cast<unsigned char>(kFrameMagic & 0xFFu);

}  // namespace

std::string_view to_string(DamageKind kind) noexcept {
  switch (kind) {
    case DamageKind::bad_header:
      return "bad frame header";
    case DamageKind::bad_payload:
      return "payload checksum mismatch";
    case DamageKind::truncated:
      return "truncated frame";
  }
  return "?";
}

Result<SegmentReader> SegmentReader::open(const std::filesystem::path& path) {
  auto fd = open_file(path, O_RDONLY);
  if (!fd) return fd.error();
  return SegmentReader(std::move(*fd));
}

std::vector<std::byte>& SegmentReader::scratch() {
  if (scratch_.size() != kScratchSize) scratch_.resize(kScratchSize);
  return scratch_;
}

Result<SegmentHeaderStatus> SegmentReader::read_header(SegmentHeader& out) {
  std::array<std::byte, kSegmentHeaderSize> buffer{};
  auto n = pread_full(fd_.get(), buffer, 0);
  if (!n) return n.error();
  return decode_segment_header(std::span(buffer).first(*n), out);
}

Result<ScanItem> SegmentReader::next(std::uint64_t offset, std::uint64_t limit) {
  ScanItem item;
  item.offset = offset;
  if (offset >= limit) {
    item.kind = ScanItem::Kind::end;
    item.next = offset;
    return item;
  }
  std::array<std::byte, kFrameHeaderSize> buffer{};
  bool valid = false;
  if (limit - offset >= kFrameHeaderSize) {
    auto n = pread_full(fd_.get(), buffer, offset);
    if (!n) return n.error();
    valid = *n == kFrameHeaderSize && decode_frame_header(buffer, item.header);
  }
  if (valid && frame_bytes(item.header.length) <= limit - offset) {
    item.kind = ScanItem::Kind::frame;
    item.next = offset + frame_bytes(item.header.length);
    return item;
  }
  item.kind = ScanItem::Kind::damaged;
  item.damage = valid ? DamageKind::truncated : DamageKind::bad_header;
  auto resume = find_next_header(offset + 1, limit);
  if (!resume) return resume.error();
  item.next = *resume;
  return item;
}

Result<std::uint64_t> SegmentReader::find_next_header(std::uint64_t from, std::uint64_t limit) {
  auto& buffer = scratch();
  std::uint64_t pos = from;
  while (pos < limit && limit - pos >= kFrameHeaderSize) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), limit - pos));
    auto got = pread_full(fd_.get(), std::span(buffer).first(want), pos);
    if (!got) return got.error();
    const std::size_t n = *got;
    if (n < kFrameHeaderSize) break;  // the file is shorter than `limit`
    const auto* base = reinterpret_cast<const unsigned char*>(buffer.data());
    std::size_t i = 0;
    while (i + kFrameHeaderSize <= n) {
      const void* hit = std::memchr(base + i, kMagicFirstByte, n - kFrameHeaderSize + 1 - i);
      if (hit == nullptr) break;
      i = static_cast<std::size_t>(static_cast<const unsigned char*>(hit) - base);
      FrameHeader header;
      if (decode_frame_header(std::span(buffer).subspan(i, kFrameHeaderSize), header) &&
          frame_bytes(header.length) <= limit - (pos + i)) {
        return pos + i;
      }
      ++i;
    }
    // Keep the last kFrameHeaderSize - 1 bytes: a header may straddle two chunks.
    pos += n - (kFrameHeaderSize - 1);
  }
  return limit;
}

Result<bool> SegmentReader::read_payload(const ScanItem& item, std::vector<std::byte>& out) {
  out.resize(item.header.length);
  return read_payload(item, std::span<std::byte>(out));
}

Result<bool> SegmentReader::read_payload(const ScanItem& item, std::span<std::byte> out) {
  auto n = pread_full(fd_.get(), out, item.offset + kFrameHeaderSize);
  if (!n) return n.error();
  if (*n != out.size()) return false;  // the file shrank under us
  return crc32c(out) == item.header.payload_crc;
}

Result<bool> SegmentReader::check_payload(const ScanItem& item) {
  auto& buffer = scratch();
  std::uint32_t crc = 0;
  std::uint64_t remaining = item.header.length;
  std::uint64_t pos = item.offset + kFrameHeaderSize;
  while (remaining > 0) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), remaining));
    auto n = pread_full(fd_.get(), std::span(buffer).first(want), pos);
    if (!n) return n.error();
    if (*n != want) return false;
    crc = crc32c_extend(crc, std::span(buffer).first(want));
    pos += want;
    remaining -= want;
  }
  return crc == item.header.payload_crc;
}

}  // namespace pyrolog::channel
