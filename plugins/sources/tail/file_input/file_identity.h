#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <system_error>

namespace pyrolog::files {

// Which file a position belongs to. Device and inode name a file only while it exists: once deleted, its
// inode number can come back with other content. So an identity also holds a fingerprint of the file's first
// bytes (up to a limit; fewer while the file is shorter, growing as it does), and a file is the same one only
// when device, inode and those first bytes all agree. The fingerprint also recognises a copy of a file's
// content under another inode (what copytruncate leaves behind).
struct FileIdentity {
  std::uint64_t dev = 0;
  std::uint64_t ino = 0;
  std::uint32_t fingerprint_bytes = 0;  // leading bytes the fingerprint covers; 0 while the file is empty
  std::uint64_t fingerprint = 0;        // FNV-1a 64 of those bytes

  bool same_inode(const FileIdentity& other) const { return dev == other.dev && ino == other.ino; }
  friend bool operator==(const FileIdentity&, const FileIdentity&) = default;
};

FileIdentity identity_of(const struct stat& st);

// FNV-1a, 64 bits: stable across builds and machines, which std::hash is not.
std::uint64_t fingerprint_hash(std::string_view bytes);

// Reads up to `max_bytes` from the start of `fd` into `out` (fewer when the file is shorter).
std::error_code read_prefix(int fd, std::size_t max_bytes, std::string& out);

// Whether `prefix` (a file's first bytes) begins with the bytes `id` was fingerprinted from.
bool prefix_matches(const FileIdentity& id, std::string_view prefix);

// Compares the start of `fd` with `id`'s fingerprint. When it matches and the file now has more of the
// `limit` leading bytes than the fingerprint covers, the fingerprint is extended to them. Returns false when
// the content differs (the file was truncated or replaced) or cannot be read (`ec` then says why).
bool verify_and_extend(int fd, FileIdentity& id, std::size_t limit, std::string& scratch,
                       std::error_code& ec);

}  // namespace pyrolog::files
