#include "spool_dir_config.h"

#include <fmt/format.h>

#include "file_input/reading_options.h"

namespace pyrolog {

const config::OptionTable<SpoolDirConfig>& SpoolDirConfig::options() {
  static const auto table = [] {
    config::OptionTable<SpoolDirConfig> t;
    t.add("path", &SpoolDirConfig::path,
          "The spooling directory. Files must be complete when they appear in it: write them elsewhere on "
          "the same file system (or under a name starting with `.`) and rename them in.")
        .required()
        .example("/var/spool/pyrolog");
    t.add("include", &SpoolDirConfig::include, "File names taken (glob patterns); others are left alone.");
    t.add("ignore", &SpoolDirConfig::ignore,
          "File names never taken (glob patterns). Names starting with `.` and names ending in "
          "`completed_suffix` or `changed_suffix` are always ignored.")
        .example("[\"*.tmp\"]");
    t.add("order", &SpoolDirConfig::order,
          "Which file is read next: `oldest` (by modification time, then name) or `name`. A file interrupted "
          "by a stop or crash is finished first.")
        .choices<SpoolOrder>({{"oldest", SpoolOrder::oldest}, {"name", SpoolOrder::name}});
    t.add("completed", &SpoolDirConfig::completed,
          "What happens to a file once every line of it is acknowledged by the channel: `rename` adds "
          "`completed_suffix`, `delete` removes it.")
        .choices<SpoolCompletion>({{"rename", SpoolCompletion::rename}, {"delete", SpoolCompletion::remove}});
    t.add("completed_suffix", &SpoolDirConfig::completed_suffix, "Added to the name of a completed file.");
    t.add("changed_suffix", &SpoolDirConfig::changed_suffix,
          "Added to the name of a file that changed after it was picked up (it grew, shrank or was "
          "rewritten): such a file is reported, counted and set aside, and the source goes on with the next "
          "one.");
    t.add("poll_interval", &SpoolDirConfig::poll_interval, "How often an idle source looks for new files.")
        .range(10, 3600.0 * 1000);
    files::add_reading_options(t);
    t.check("path", [](const SpoolDirConfig& c) -> std::optional<std::string> {
      if (c.path.empty()) return "must not be empty";
      return std::nullopt;
    });
    t.check("completed_suffix", [](const SpoolDirConfig& c) -> std::optional<std::string> {
      if (c.completed_suffix.empty() || c.completed_suffix.find('/') != std::string::npos) {
        return "must be a non-empty file name suffix";
      }
      return std::nullopt;
    });
    t.check("changed_suffix", [](const SpoolDirConfig& c) -> std::optional<std::string> {
      if (c.changed_suffix.empty() || c.changed_suffix.find('/') != std::string::npos) {
        return "must be a non-empty file name suffix";
      }
      if (c.changed_suffix == c.completed_suffix) return "must differ from completed_suffix";
      return std::nullopt;
    });
    return t;
  }();
  return table;
}

}  // namespace pyrolog
