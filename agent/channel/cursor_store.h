#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

// Reader cursor files: `<reader>.cursor`, 48 bytes, replaced atomically (write `<reader>.cursor.tmp`,
// fdatasync, rename, fsync the directory), so a crash leaves either the old or the new cursor, never a mix.
namespace pyrolog::channel {

inline constexpr std::size_t kCursorFileSize = 48;
inline constexpr std::array<std::byte, 8> kCursorMagic{std::byte{'P'}, std::byte{'Y'}, std::byte{'R'},
                                                       std::byte{'L'}, std::byte{'G'}, std::byte{'C'},
                                                       std::byte{'U'}, std::byte{'R'}};

struct Cursor {
  std::uint64_t next_seq = 0;  // every frame with a smaller sequence number is acknowledged
  // Where the frame `next_seq` starts, when known: a hint to avoid a scan on reopen (0 = unknown).
  std::uint64_t hint_segment = 0;
  std::uint64_t hint_offset = 0;
};

enum class CursorStatus { ok, missing, empty, corrupt, unreadable };
std::string_view to_string(CursorStatus status) noexcept;

struct LoadedCursor {
  CursorStatus status = CursorStatus::missing;
  Cursor cursor;
  std::string detail;  // why it is not ok
};

std::array<std::byte, kCursorFileSize> encode_cursor(const Cursor& cursor) noexcept;
// Returns an empty string when valid, otherwise the reason.
std::string decode_cursor(std::span<const std::byte> bytes, Cursor& out);

LoadedCursor load_cursor(const std::filesystem::path& dir, std::string_view reader);
std::error_code store_cursor(const std::filesystem::path& dir, std::string_view reader, const Cursor& cursor);
std::error_code remove_cursor(const std::filesystem::path& dir, std::string_view reader);

}  // namespace pyrolog::channel
