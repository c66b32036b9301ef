#include "channel/cursor_store.h"

#include <algorithm>
#include <fcntl.h>

#include "channel/byte_codec.h"
#include "channel/crc32c.h"
#include "channel/directory_layout.h"
#include "channel/file_io.h"
#include "channel/segment_format.h"

namespace pyrolog::channel {
namespace {

constexpr std::size_t kCrcOffset = 40;

}  // namespace

std::string_view to_string(CursorStatus status) noexcept {
  switch (status) {
    case CursorStatus::ok:
      return "ok";
    case CursorStatus::missing:
      return "missing";
    case CursorStatus::empty:
      return "empty";
    case CursorStatus::corrupt:
      return "corrupt";
    case CursorStatus::unreadable:
      return "unreadable";
  }
  return "?";
}

std::array<std::byte, kCursorFileSize> encode_cursor(const Cursor& cursor) noexcept {
  std::array<std::byte, kCursorFileSize> b{};
  std::copy(kCursorMagic.begin(), kCursorMagic.end(), b.begin());
  store_le16(&b[8], kFormatVersion);
  store_le16(&b[10], 0);
  store_le32(&b[12], 0);
  store_le64(&b[16], cursor.next_seq);
  store_le64(&b[24], cursor.hint_segment);
  store_le64(&b[32], cursor.hint_offset);
  store_le32(&b[kCrcOffset], crc32c(std::span(b).first(kCrcOffset)));
  store_le32(&b[44], 0);
  return b;
}

std::string decode_cursor(std::span<const std::byte> bytes, Cursor& out) {
  if (bytes.size() != kCursorFileSize) {
    return "size " + std::to_string(bytes.size()) + ", expected " + std::to_string(kCursorFileSize);
  }
  if (!std::equal(kCursorMagic.begin(), kCursorMagic.end(), bytes.begin())) return "bad magic";
  if (load_le32(&bytes[kCrcOffset]) != crc32c(bytes.first(kCrcOffset))) return "checksum mismatch";
  if (load_le16(&bytes[8]) != kFormatVersion)
    return "unsupported version " + std::to_string(load_le16(&bytes[8]));
  out.next_seq = load_le64(&bytes[16]);
  out.hint_segment = load_le64(&bytes[24]);
  out.hint_offset = load_le64(&bytes[32]);
  return {};
}

LoadedCursor load_cursor(const std::filesystem::path& dir, std::string_view reader) {
  LoadedCursor loaded;
  auto fd = open_file(dir / cursor_file_name(reader), O_RDONLY);
  if (!fd) {
    if (fd.error() == std::errc::no_such_file_or_directory) {
      loaded.status = CursorStatus::missing;
    } else {
      loaded.status = CursorStatus::unreadable;
      loaded.detail = fd.error().message();
    }
    return loaded;
  }
  std::array<std::byte, kCursorFileSize + 1> buffer{};  // one extra byte to notice an oversized file
  auto n = pread_full(fd->get(), buffer, 0);
  if (!n) {
    loaded.status = CursorStatus::unreadable;
    loaded.detail = n.error().message();
    return loaded;
  }
  if (*n == 0) {
    loaded.status = CursorStatus::empty;
    loaded.detail = "empty file";
    return loaded;
  }
  loaded.detail = decode_cursor(std::span(buffer).first(*n), loaded.cursor);
  loaded.status = loaded.detail.empty() ? CursorStatus::ok : CursorStatus::corrupt;
  if (loaded.status != CursorStatus::ok) loaded.cursor = {};
  return loaded;
}

std::error_code store_cursor(const std::filesystem::path& dir, std::string_view reader,
                             const Cursor& cursor) {
  const auto bytes = encode_cursor(cursor);
  return replace_file_atomically(dir, cursor_file_name(reader), bytes);
}

std::error_code remove_cursor(const std::filesystem::path& dir, std::string_view reader) {
  auto ec = remove_file(dir / cursor_file_name(reader));
  if (ec) return ec;
  return sync_directory(dir);
}

}  // namespace pyrolog::channel
