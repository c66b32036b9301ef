#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <system_error>

#include "base/unique_fd.h"
#include "file_input/file_identity.h"

namespace pyrolog {

// A file found again under another name.
struct MovedFile {
  std::string path;
  UniqueFd fd;
  files::FileIdentity identity;  // the found file's device and inode, with the fingerprint looked for
  bool renamed = false;          // same inode (a rename); else a copy of the content (copytruncate)
};

struct SiblingQuery {
  files::FileIdentity identity;
  std::uint64_t min_size = 0;  // the file must hold at least this many bytes (the position to go on from)
  bool renames = true;         // accept the same inode under another name
  bool copies = true;          // accept another inode with the same first bytes
  std::function<bool(const files::FileIdentity&)> tracked;  // files the source already follows are skipped
};

// Looks in `dir` for the file `query.identity` names: with `renames`, renamed (same device and inode, same
// first bytes); with `copies`, copied (another inode whose first bytes match the whole fingerprint). A rename
// wins over a copy; among copies, the most recently modified. `list_error` is set when `dir` cannot be listed
// (a missing directory is not an error: nothing is found).
std::optional<MovedFile> find_in_directory(const std::string& dir, const SiblingQuery& query,
                                           std::error_code& list_error);

std::string parent_directory(const std::string& path);

}  // namespace pyrolog
