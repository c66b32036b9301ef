#include "codec/batch_codec.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <lz4.h>
#include <vector>

#include <fmt/format.h>

namespace pyrolog {
namespace {

// Version 2 added kRepeatedString, version 3 kRawSlice; older frames (which never hold them) are still read.
constexpr std::uint8_t kVersion = 3;
constexpr std::uint8_t kOldestVersion = 1;
// Value type codes beyond ValueType's: the same string as the previous value stored under this name; and a
// string that is a part of the event's raw text (what grok captures), stored as its offset and length.
constexpr std::uint8_t kRepeatedString = 0x80;
constexpr std::uint8_t kRawSlice = 0x81;
// A decoded body larger than this is refused: the channel's frames are batches, not whole files.
constexpr std::uint64_t kMaxBodyBytes = 1ULL << 31;

void put_varint(ByteBuffer& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(static_cast<std::uint8_t>(v) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
std::int64_t unzigzag(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

// Writes a body into `out` through a cursor: room is made once per batch for the most the batch can take, so
// each byte written is a store, not a string append.
class BodyWriter {
 public:
  explicit BodyWriter(ByteBuffer& out) : out_(out), p_(out.data() + out.size()) {}
  // Room for `n` more bytes; a buffer kept between frames has it already, and it is not zeroed.
  void room(std::size_t n) {
    out_.set_size(static_cast<std::size_t>(p_ - out_.data()));
    out_.reserve_more(n);
    p_ = out_.data() + out_.size();
  }
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      *p_++ = static_cast<char>(static_cast<std::uint8_t>(v) | 0x80);
      v >>= 7;
    }
    *p_++ = static_cast<char>(v);
  }
  void byte(std::uint8_t b) { *p_++ = static_cast<char>(b); }
  void bytes(std::string_view s) {
    varint(s.size());
    if (!s.empty()) std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  void fixed64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i)
      *p_++ = static_cast<char>((v >> (8 * i)) & 0xFF);
  }
  // The size becomes what was written.
  void finish() { out_.set_size(static_cast<std::size_t>(p_ - out_.data())); }

 private:
  ByteBuffer& out_;
  char* p_;
};

constexpr std::size_t kMaxVarint = 10;

void encode_body(const Batch& batch, ByteBuffer& out) {
  // The names table: usually a handful of names shared by every event.
  std::vector<std::string_view> names;
  auto index_of = [&](std::string_view name) -> std::size_t {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i].data() == name.data() && names[i].size() == name.size()) return i;
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) return i;
    }
    names.push_back(name);
    return names.size() - 1;
  };
  // The most bytes the body can take: every varint at its longest, every string in full.
  std::size_t bound = 2 * kMaxVarint;
  std::vector<std::uint32_t> field_names;
  field_names.reserve(batch.pooled_fields());
  // Events of a batch usually have the same names in the same order: a field whose name is, by address and
  // size, the one the previous event had in its place has that name's index, with no search.
  std::vector<std::uint32_t> previous_event_names;
  for (const Event& e : batch.events()) {
    bound += 3 * kMaxVarint + e.raw.size();
    const auto fields = batch.fields(e);
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const std::string_view name = fields[i].name;
      std::uint32_t index = 0;
      if (i < previous_event_names.size() && names[previous_event_names[i]].data() == name.data() &&
          names[previous_event_names[i]].size() == name.size()) {
        index = previous_event_names[i];
      } else {
        index = static_cast<std::uint32_t>(index_of(name));
        if (i < previous_event_names.size()) {
          previous_event_names[i] = index;
        } else {
          previous_event_names.push_back(index);
        }
      }
      field_names.push_back(index);
      bound += 2 * kMaxVarint + 1 + fields[i].value.as_string().size();  // a floating value takes 8 bytes
    }
  }
  for (auto name : names)
    bound += kMaxVarint + name.size();
  BodyWriter w(out);
  w.room(bound);
  w.varint(batch.size());
  w.varint(names.size());
  for (auto name : names)
    w.bytes(name);
  std::size_t next_name = 0;
  TimestampNs previous = 0;
  // Per name, the last string stored under it: a field whose value is the same for many events (a file's
  // path, a host name) is then stored once per frame and costs one byte afterwards.
  std::vector<std::string_view> last_string(names.size());
  std::vector<char> has_last_string(names.size(), 0);
  for (const Event& e : batch.events()) {
    w.varint(zigzag(e.timestamp - previous));
    previous = e.timestamp;
    w.bytes(e.raw);
    const auto fields = batch.fields(e);
    w.varint(fields.size());
    for (const Field& f : fields) {
      const std::uint32_t name = field_names[next_name++];
      w.varint(name);
      const Value& v = f.value;
      if (v.type() == ValueType::string) {
        const std::string_view text = v.as_string();
        // Pointers compared as integers: a view into another buffer is not ordered with `raw` in the
        // language.
        const auto at = reinterpret_cast<std::uintptr_t>(text.data());
        const auto raw_at = reinterpret_cast<std::uintptr_t>(e.raw.data());
        if (!text.empty() && at >= raw_at && at - raw_at <= e.raw.size() &&
            text.size() <= e.raw.size() - (at - raw_at)) {
          w.byte(kRawSlice);
          w.varint(at - raw_at);
          w.varint(text.size());
          continue;
        }
        if (has_last_string[name] != 0 && last_string[name] == text) {
          w.byte(kRepeatedString);
          continue;
        }
        last_string[name] = text;
        has_last_string[name] = 1;
      }
      w.byte(static_cast<std::uint8_t>(v.type()));
      switch (v.type()) {
        case ValueType::null:
          break;
        case ValueType::string:
          w.bytes(v.as_string());
          break;
        case ValueType::integer:
        case ValueType::timestamp:
          w.varint(zigzag(v.as_integer()));
          break;
        case ValueType::floating:
          w.fixed64(std::bit_cast<std::uint64_t>(v.as_floating()));
          break;
        case ValueType::boolean:
          w.byte(v.as_boolean() ? 1 : 0);
          break;
      }
    }
  }
  w.finish();
}

// Bounds-checked reading of a body.
class Reader {
 public:
  Reader(const char* data, std::size_t size) : p_(data), end_(data + size) {}

  bool varint(std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) return false;
      const auto byte = static_cast<std::uint8_t>(*p_++);
      v |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return true;
    }
    return false;
  }
  bool bytes(std::string_view& s) {
    std::uint64_t n = 0;
    if (!varint(n) || n > static_cast<std::uint64_t>(end_ - p_)) return false;
    s = std::string_view(p_, n);
    p_ += n;
    return true;
  }
  bool byte(std::uint8_t& b) {
    if (p_ == end_) return false;
    b = static_cast<std::uint8_t>(*p_++);
    return true;
  }
  bool fixed64(std::uint64_t& v) {
    if (end_ - p_ < 8) return false;
    v = 0;
    for (int i = 0; i < 8; ++i)
      v |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(p_[i])) << (8 * i);
    p_ += 8;
    return true;
  }
  std::size_t left() const { return static_cast<std::size_t>(end_ - p_); }

 private:
  const char* p_;
  const char* end_;
};

bool decode_body(const char* data, std::size_t size, Batch& batch, DecodeError& error) {
  Reader r(data, size);
  std::uint64_t events = 0, name_count = 0;
  // Every event and name takes at least one byte, so counts beyond the bytes left are lies.
  if (!r.varint(events) || events > r.left() || !r.varint(name_count) || name_count > r.left()) {
    error.message = "bad event or name count";
    return false;
  }
  std::vector<std::string_view> names(name_count);
  for (auto& name : names) {
    if (!r.bytes(name)) {
      error.message = "truncated name table";
      return false;
    }
  }
  batch.reserve(events);
  std::vector<std::string_view> last_string(names.size());
  std::vector<char> has_last_string(names.size(), 0);
  TimestampNs previous = 0;
  for (std::uint64_t i = 0; i < events; ++i) {
    std::uint64_t delta = 0, field_count = 0;
    std::string_view raw;
    if (!r.varint(delta) || !r.bytes(raw) || !r.varint(field_count) || field_count > r.left()) {
      error.message = fmt::format("truncated event {}", i);
      return false;
    }
    previous = static_cast<TimestampNs>(static_cast<std::uint64_t>(previous) +
                                        static_cast<std::uint64_t>(unzigzag(delta)));
    Event& e = batch.add_event(previous, raw);
    for (std::uint64_t k = 0; k < field_count; ++k) {
      std::uint64_t name = 0;
      std::uint8_t type = 0;
      if (!r.varint(name) || name >= names.size() || !r.byte(type)) {
        error.message = fmt::format("bad field in event {}", i);
        return false;
      }
      if (i == 0 && k == 0) batch.reserve_fields(events * field_count);  // events are usually alike
      if (type == kRepeatedString) {
        if (has_last_string[name] == 0) {
          error.message = fmt::format("field '{}' in event {} repeats a string never stored", names[name], i);
          return false;
        }
        batch.append(e, names[name], Value::string(last_string[name]));
        continue;
      }
      if (type == kRawSlice) {
        std::uint64_t offset = 0, length = 0;
        if (!r.varint(offset) || !r.varint(length) || offset > raw.size() || length > raw.size() - offset) {
          error.message = fmt::format("field '{}' in event {} is not a part of its raw text", names[name], i);
          return false;
        }
        batch.append(e, names[name], Value::string(raw.substr(offset, length)));
        continue;
      }
      Value v;
      bool ok = true;
      switch (static_cast<ValueType>(type)) {
        case ValueType::null:
          break;
        case ValueType::string: {
          std::string_view s;
          ok = r.bytes(s);
          v = Value::string(s);
          last_string[name] = s;
          has_last_string[name] = 1;
          break;
        }
        case ValueType::integer:
        case ValueType::timestamp: {
          std::uint64_t z = 0;
          ok = r.varint(z);
          v = static_cast<ValueType>(type) == ValueType::integer ? Value::integer(unzigzag(z))
                                                                 : Value::timestamp(unzigzag(z));
          break;
        }
        case ValueType::floating: {
          std::uint64_t bits = 0;
          ok = r.fixed64(bits);
          v = Value::floating(std::bit_cast<double>(bits));
          break;
        }
        case ValueType::boolean: {
          std::uint8_t b = 0;
          ok = r.byte(b) && b <= 1;
          v = Value::boolean(b == 1);
          break;
        }
        default:
          ok = false;
      }
      if (!ok) {
        error.message = fmt::format("bad value of field '{}' in event {}", names[name], i);
        return false;
      }
      batch.append(e, names[name], v);
    }
  }
  if (r.left() != 0) {
    error.message = fmt::format("{} bytes after the last event", r.left());
    return false;
  }
  return true;
}

}  // namespace

void encode_batch(const Batch& batch, FrameCompression compression, ByteBuffer& out) {
  out.clear();
  out.push_back(static_cast<char>(kVersion));
  out.push_back(static_cast<char>(compression));
  if (compression == FrameCompression::none) {
    encode_body(batch, out);
    return;
  }
  ByteBuffer body;
  encode_body(batch, body);
  put_varint(out, body.size());
  const std::size_t header = out.size();
  const int bound = LZ4_compressBound(static_cast<int>(body.size()));
  out.reserve_more(static_cast<std::size_t>(bound));
  const int n = LZ4_compress_default(body.data(), out.data() + header, static_cast<int>(body.size()), bound);
  if (n <= 0) {  // cannot happen with a bound-sized buffer; store it plainly rather than fail
    out.set_size(1);
    out.push_back(static_cast<char>(FrameCompression::none));
    out.append(body.view());
    return;
  }
  out.set_size(header + static_cast<std::size_t>(n));
}

void encode_batch(const Batch& batch, FrameCompression compression, std::string& out) {
  ByteBuffer frame;
  encode_batch(batch, compression, frame);
  out.assign(frame.view());
}

std::optional<Batch> decode_batch(std::unique_ptr<char[]> frame, std::size_t size, DecodeError& error) {
  if (size < 2) {
    error.message = "frame too short";
    return std::nullopt;
  }
  const auto version = static_cast<std::uint8_t>(frame[0]);
  if (version < kOldestVersion || version > kVersion) {
    error.message = fmt::format("unknown batch format version {}",
                                static_cast<unsigned>(static_cast<std::uint8_t>(frame[0])));
    return std::nullopt;
  }
  const auto compression = static_cast<std::uint8_t>(frame[1]);
  Batch batch;
  if (compression == static_cast<std::uint8_t>(FrameCompression::none)) {
    const char* body = frame.get() + 2;
    batch.adopt(std::move(frame), size);
    if (!decode_body(body, size - 2, batch, error)) return std::nullopt;
    return batch;
  }
  if (compression != static_cast<std::uint8_t>(FrameCompression::lz4)) {
    error.message = fmt::format("unknown compression {}", static_cast<unsigned>(compression));
    return std::nullopt;
  }
  Reader header(frame.get() + 2, size - 2);
  std::uint64_t body_size = 0;
  if (!header.varint(body_size) || body_size > kMaxBodyBytes ||
      body_size > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
    error.message = "bad compressed body size";
    return std::nullopt;
  }
  // LZ4 expands at most about 255 to 1: a stated size beyond that is a lie, refused before allocating it.
  if (body_size > header.left() * 255 + 64) {
    error.message = "compressed body size out of proportion";
    return std::nullopt;
  }
  const std::size_t compressed_at = size - header.left();
  auto body = std::make_unique<char[]>(body_size);
  const int n = LZ4_decompress_safe(frame.get() + compressed_at, body.get(), static_cast<int>(header.left()),
                                    static_cast<int>(body_size));
  if (n < 0 || static_cast<std::uint64_t>(n) != body_size) {
    error.message = "LZ4 data does not decompress to its stated size";
    return std::nullopt;
  }
  const char* data = body.get();
  batch.adopt(std::move(body), body_size);
  if (!decode_body(data, body_size, batch, error)) return std::nullopt;
  return batch;
}

}  // namespace pyrolog
