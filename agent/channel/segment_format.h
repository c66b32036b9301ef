#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

// The binary layout of segment files, version 1. docs/channel-format.md describes it byte by byte; change
// both together and bump kFormatVersion for any incompatible change.
namespace pyrolog::channel {

inline constexpr std::uint16_t kFormatVersion = 1;

// Segment header: magic "PYRLGSEG", version, header size, flags, segment id, first sequence number, CRC32C.
inline constexpr std::size_t kSegmentHeaderSize = 40;
inline constexpr std::array<std::byte, 8> kSegmentMagic{std::byte{'P'}, std::byte{'Y'}, std::byte{'R'},
                                                        std::byte{'L'}, std::byte{'G'}, std::byte{'S'},
                                                        std::byte{'E'}, std::byte{'G'}};

// Frame header: magic, payload length, sequence number, payload CRC32C, header CRC32C; the payload follows.
inline constexpr std::size_t kFrameHeaderSize = 24;
inline constexpr std::uint32_t kFrameMagic = 0x014650B7u;  // bytes B7 50 46 01 on disk
// The largest payload the format allows. Channels usually configure a smaller limit.
inline constexpr std::uint32_t kMaxFramePayload = 256u << 20;

struct SegmentHeader {
  std::uint16_t version = kFormatVersion;
  std::uint64_t segment_id = 0;
  std::uint64_t first_seq = 0;  // sequence number of the first frame written to the segment
};

enum class SegmentHeaderStatus { ok, too_short, bad_magic, bad_checksum, unsupported_version };
std::string_view to_string(SegmentHeaderStatus status) noexcept;

std::array<std::byte, kSegmentHeaderSize> encode_segment_header(const SegmentHeader& header) noexcept;
SegmentHeaderStatus decode_segment_header(std::span<const std::byte> bytes, SegmentHeader& out) noexcept;

struct FrameHeader {
  std::uint32_t length = 0;  // payload bytes
  std::uint64_t seq = 0;
  std::uint32_t payload_crc = 0;
};

std::array<std::byte, kFrameHeaderSize> encode_frame_header(const FrameHeader& header) noexcept;
// True when the first kFrameHeaderSize bytes hold a frame header with the right magic and header checksum and
// a length within kMaxFramePayload. Says nothing about the payload.
bool decode_frame_header(std::span<const std::byte> bytes, FrameHeader& out) noexcept;

inline constexpr std::uint64_t frame_bytes(std::uint64_t payload_length) noexcept {
  return kFrameHeaderSize + payload_length;
}

}  // namespace pyrolog::channel
