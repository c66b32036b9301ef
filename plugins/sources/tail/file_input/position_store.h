#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "file_identity.h"

namespace pyrolog::files {

// How far a file has been delivered: every byte before `offset` is acknowledged by the channel.
struct FilePosition {
  std::string path;  // where the file was last seen (a hint for finding it again after a rotation)
  FileIdentity identity;
  std::uint64_t offset = 0;

  friend bool operator==(const FilePosition&, const FilePosition&) = default;
};

// The positions file of one source (JSON), replaced atomically: written to a temporary file, synced, renamed
// over the old one, and the directory synced. A crash leaves either the old or the new file, never a mix.
class PositionStore {
 public:
  explicit PositionStore(std::filesystem::path file) : file_(std::move(file)) {}

  struct Loaded {
    std::vector<FilePosition> positions;
    bool existed = false;  // a positions file was there (even if it was unusable)
    std::string problem;   // why it was unusable (empty, corrupt, unreadable); empty when it was fine
  };
  // Reads the positions. An unusable file is renamed to `<file>.corrupt` (kept for a post-mortem) and
  // reported in `problem`; the caller then starts as if there were no positions.
  Loaded load() const;

  std::error_code save(const std::vector<FilePosition>& positions) const;

  const std::filesystem::path& path() const { return file_; }

 private:
  std::filesystem::path file_;
};

}  // namespace pyrolog::files
