#pragma once

#include <cstddef>
#include <string>
#include <sys/stat.h>
#include <system_error>
#include <vector>

#include "glob_pattern.h"

namespace pyrolog {

struct FoundFile {
  std::string path;
  struct stat st {};
};

struct DiscoveryProblem {
  std::string path;
  std::error_code error;
};

struct Discovery {
  std::vector<FoundFile> files;          // regular files matched and not excluded, sorted by path, each once
  std::vector<std::string> directories;  // every directory listed: what a watcher should watch
  std::vector<DiscoveryProblem>
      problems;            // directories that could not be listed (not those that do not exist)
  bool truncated = false;  // more files matched than the limit; the rest were left out
};

struct DiscoveryRules {
  std::vector<GlobPattern> include;
  PathFilter exclude;
  bool skip_compressed = true;  // *.gz, *.bz2, *.xz, *.zst, *.lz4, *.zip, *.Z
  std::size_t max_files = 100000;
};

// Whether the name ends like a compressed file.
bool is_compressed_name(const std::string& path);

// Walks the file system for the files the rules match. A directory that cannot be listed (no permission) is a
// problem reported with its error; the walk goes on with the rest. `**` does not enter hidden directories and
// enters each directory once, whatever the symbolic links.
Discovery discover(const DiscoveryRules& rules);

}  // namespace pyrolog
