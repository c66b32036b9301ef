#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/units.h"
#include "config/option_table.h"
#include "file_input/line_framer.h"
#include "file_input/multiline_config.h"
#include "file_input/utf8.h"

namespace pyrolog {

enum class ReadFrom { beginning, end };

struct TailConfig {
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  bool skip_compressed = true;
  ReadFrom read_from = ReadFrom::beginning;
  bool inotify = true;
  Duration scan_interval{std::chrono::seconds(1)};
  Duration rotate_wait{std::chrono::seconds(5)};
  Duration idle_timeout{std::chrono::minutes(5)};
  Duration partial_line_timeout{0};
  std::uint32_t max_open_files = 512;
  std::uint32_t max_files = 100000;
  // Shared with spool_dir (see file_input/reading_options.h).
  ByteSize read_buffer_bytes{256 * 1024};
  ByteSize max_line_bytes{1024 * 1024};
  files::OverlongMode overlong_lines = files::OverlongMode::truncate;
  files::Utf8Mode invalid_utf8 = files::Utf8Mode::keep;
  std::uint32_t fingerprint_bytes = 1024;
  Duration commit_interval{std::chrono::seconds(1)};
  files::MultilineConfig multiline;

  static const config::OptionTable<TailConfig>& options();
};

}  // namespace pyrolog
