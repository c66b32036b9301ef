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

enum class SpoolOrder { oldest, name };
enum class SpoolCompletion { rename, remove };

struct SpoolDirConfig {
  std::string path;
  std::vector<std::string> include{"*"};
  std::vector<std::string> ignore;
  SpoolOrder order = SpoolOrder::oldest;
  SpoolCompletion completed = SpoolCompletion::rename;
  std::string completed_suffix = ".COMPLETED";
  std::string changed_suffix = ".CHANGED";
  Duration poll_interval{500};
  // Shared with tail (see file_input/reading_options.h).
  ByteSize read_buffer_bytes{256 * 1024};
  ByteSize max_line_bytes{1024 * 1024};
  files::OverlongMode overlong_lines = files::OverlongMode::truncate;
  files::Utf8Mode invalid_utf8 = files::Utf8Mode::keep;
  std::uint32_t fingerprint_bytes = 1024;
  Duration commit_interval{std::chrono::seconds(1)};
  files::MultilineConfig multiline;

  static const config::OptionTable<SpoolDirConfig>& options();
};

}  // namespace pyrolog
