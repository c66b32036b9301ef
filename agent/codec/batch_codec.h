#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/byte_buffer.h"
#include "event/batch.h"

namespace pyrolog {

enum class FrameCompression : std::uint8_t { none = 0, lz4 = 1 };

// The binary form of a batch, as the durable channel stores it (one frame per batch; the channel adds length
// and CRC32C). Layout, version 3 (all integers LEB128 varints unless said otherwise; signed ones zigzag):
//
//   u8 version = 3 | u8 compression (0 none, 1 lz4) | [lz4: varint body size, then the LZ4 block of the body]
//   body:  varint event count | varint name count | names: (varint length, bytes)...
//          events: zigzag timestamp delta from the previous event (the first from 0)
//                  varint raw length, raw bytes | varint field count
//                  fields: varint name index | u8 value type | value
//                    string: varint length, bytes; integer, timestamp: zigzag varint;
//                    floating: 8 bytes IEEE 754 little-endian; boolean: u8; null: nothing
//                    u8 type 0x80 (repeated string): no bytes; the value is the string last stored under
//                    the same name index earlier in the frame
//                    u8 type 0x81 (raw slice): varint offset, varint length; the value is that part of the
//                    event's raw bytes (grok's captures: stored as 2 to 4 bytes, read without a copy)
//
// Field names are stored once per frame, so a parsed event costs one varint per field name; a string that is
// the same for consecutive events of a name (file.path, host) is stored once. Version 1 is version 2 without
// type 0x80, version 2 is version 3 without type 0x81; all three are read.
//
// `out` is replaced by the frame. Kept between frames, it has the room for the next one already.
void encode_batch(const Batch& batch, FrameCompression compression, ByteBuffer& out);
// The same, into a string (a copy: for tests and tools).
void encode_batch(const Batch& batch, FrameCompression compression, std::string& out);

struct DecodeError {
  std::string message;
};

// Decodes a frame into a batch that owns `frame` (string views point into it: no copy per string). Every
// length and index is checked: a malformed frame is an error, never a crash or an unbounded allocation.
std::optional<Batch> decode_batch(std::unique_ptr<char[]> frame, std::size_t size, DecodeError& error);

}  // namespace pyrolog
