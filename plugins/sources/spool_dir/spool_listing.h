#pragma once

#include <string>
#include <sys/stat.h>
#include <system_error>
#include <vector>

#include "spool_dir_config.h"

namespace pyrolog {

struct SpoolCandidate {
  std::string name;
  struct stat st {};
};

// The files of the spooling directory to read, in the configured order: regular files whose names match
// `include`, not `ignore`, do not start with `.` and do not end in either suffix.
std::vector<SpoolCandidate> list_spool(const SpoolDirConfig& config, std::error_code& ec);

// Whether `name` is one the source would take.
bool spool_takes(const SpoolDirConfig& config, const std::string& name);

}  // namespace pyrolog
