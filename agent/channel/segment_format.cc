#include "channel/segment_format.h"

#include <algorithm>

#include "channel/byte_codec.h"
#include "channel/crc32c.h"

namespace pyrolog::channel {
namespace {

constexpr std::size_t kSegmentCrcOffset = 36;
constexpr std::size_t kFrameCrcOffset = 20;

}  // namespace

std::string_view to_string(SegmentHeaderStatus status) noexcept {
  switch (status) {
    case SegmentHeaderStatus::ok:
      return "ok";
    case SegmentHeaderStatus::too_short:
      return "file shorter than a segment header";
    case SegmentHeaderStatus::bad_magic:
      return "bad segment magic";
    case SegmentHeaderStatus::bad_checksum:
      return "segment header checksum mismatch";
    case SegmentHeaderStatus::unsupported_version:
      return "unsupported segment format version";
  }
  return "?";
}

std::array<std::byte, kSegmentHeaderSize> encode_segment_header(const SegmentHeader& header) noexcept {
  std::array<std::byte, kSegmentHeaderSize> b{};
  std::copy(kSegmentMagic.begin(), kSegmentMagic.end(), b.begin());
  store_le16(&b[8], header.version);
  store_le16(&b[10], static_cast<std::uint16_t>(kSegmentHeaderSize));
  store_le32(&b[12], 0);  // flags
  store_le64(&b[16], header.segment_id);
  store_le64(&b[24], header.first_seq);
  store_le32(&b[32], 0);  // reserved
  store_le32(&b[kSegmentCrcOffset], crc32c(std::span(b).first(kSegmentCrcOffset)));
  return b;
}

SegmentHeaderStatus decode_segment_header(std::span<const std::byte> bytes, SegmentHeader& out) noexcept {
  if (bytes.size() < kSegmentHeaderSize) return SegmentHeaderStatus::too_short;
  if (!std::equal(kSegmentMagic.begin(), kSegmentMagic.end(), bytes.begin()))
    return SegmentHeaderStatus::bad_magic;
  if (load_le32(&bytes[kSegmentCrcOffset]) != crc32c(bytes.first(kSegmentCrcOffset))) {
    return SegmentHeaderStatus::bad_checksum;
  }
  const std::uint16_t version = load_le16(&bytes[8]);
  if (version != kFormatVersion || load_le16(&bytes[10]) != kSegmentHeaderSize) {
    return SegmentHeaderStatus::unsupported_version;
  }
  out.version = version;
  out.segment_id = load_le64(&bytes[16]);
  out.first_seq = load_le64(&bytes[24]);
  return SegmentHeaderStatus::ok;
}

std::array<std::byte, kFrameHeaderSize> encode_frame_header(const FrameHeader& header) noexcept {
  std::array<std::byte, kFrameHeaderSize> b{};
  store_le32(&b[0], kFrameMagic);
  store_le32(&b[4], header.length);
  store_le64(&b[8], header.seq);
  store_le32(&b[16], header.payload_crc);
  store_le32(&b[kFrameCrcOffset], crc32c(std::span(b).first(kFrameCrcOffset)));
  return b;
}

bool decode_frame_header(std::span<const std::byte> bytes, FrameHeader& out) noexcept {
  if (bytes.size() < kFrameHeaderSize) return false;
  if (load_le32(&bytes[0]) != kFrameMagic) return false;
  if (load_le32(&bytes[kFrameCrcOffset]) != crc32c(bytes.first(kFrameCrcOffset))) return false;
  const std::uint32_t length = load_le32(&bytes[4]);
  if (length > kMaxFramePayload) return false;
  out.length = length;
  out.seq = load_le64(&bytes[8]);
  out.payload_crc = load_le32(&bytes[16]);
  return true;
}

}  // namespace pyrolog::channel
