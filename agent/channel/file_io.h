#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <sys/types.h>
#include <system_error>

#include "base/unique_fd.h"
#include "channel/result.h"

namespace pyrolog::channel {

// Thin POSIX wrappers: EINTR is retried, short transfers are looped, errors come back as error codes.

std::error_code errno_code(int error) noexcept;

Result<UniqueFd> open_file(const std::filesystem::path& path, int flags, mode_t mode = 0644) noexcept;

// Reads up to `buffer.size()` bytes at `offset`; returns fewer only at end of file.
Result<std::size_t> pread_full(int fd, std::span<std::byte> buffer, std::uint64_t offset) noexcept;

// Writes `first` then `second` at `offset` (one pwritev when possible). On error some bytes may be written.
std::error_code pwrite_full(int fd, std::span<const std::byte> first, std::span<const std::byte> second,
                            std::uint64_t offset) noexcept;

Result<std::uint64_t> file_size(int fd) noexcept;
std::error_code truncate_fd(int fd, std::uint64_t size) noexcept;
std::error_code sync_data(int fd) noexcept;  // fdatasync
std::error_code sync_file(int fd) noexcept;  // fsync
std::error_code sync_directory(const std::filesystem::path& dir) noexcept;

// Replaces `dir/name` atomically: writes `dir/name.tmp`, fdatasyncs it, renames it over `dir/name` and fsyncs
// the directory. On failure the temporary file is removed and `dir/name` is unchanged.
std::error_code replace_file_atomically(const std::filesystem::path& dir, const std::string& name,
                                        std::span<const std::byte> contents) noexcept;

// unlink(2); a missing file is not an error.
std::error_code remove_file(const std::filesystem::path& path) noexcept;

}  // namespace pyrolog::channel
