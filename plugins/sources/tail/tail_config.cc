#include "tail_config.h"

#include <fmt/format.h>

#include "file_input/reading_options.h"

namespace pyrolog {

const config::OptionTable<TailConfig>& TailConfig::options() {
  static const auto table = [] {
    config::OptionTable<TailConfig> t;
    t.add("include", &TailConfig::include,
          "Files to follow: glob patterns with `*`, `?`, `[...]` in a name and `**` for any number of "
          "directories. Walked again every `scan_interval`, and at once when a watched directory changes.")
        .required()
        .example("[/var/log/nginx/*.log]");
    t.add("exclude", &TailConfig::exclude,
          "Files to leave out: a pattern with a `/` is matched against the whole path, one without against "
          "the file name (`*.1`).");
    t.add("skip_compressed", &TailConfig::skip_compressed,
          "Leave out compressed files (`.gz`, `.bz2`, `.xz`, `.zst`, `.lz4`, `.zip`, `.Z`, `.tgz`): rotated "
          "logs that `compress` turned into archives.");
    t.add("read_from", &TailConfig::read_from,
          "Where to start in files found at the first start, when there are no saved positions. Files that "
          "appear later, and files not in the saved positions, are always read from their beginning.")
        .choices<ReadFrom>({{"beginning", ReadFrom::beginning}, {"end", ReadFrom::end}});
    t.add("inotify", &TailConfig::inotify,
          "Watch the directories with inotify for low latency. The periodic scan runs either way; `false` "
          "relies on it alone (network file systems).");
    t.add("scan_interval", &TailConfig::scan_interval,
          "How often the patterns are walked again and every file is checked with stat: the safety net for "
          "whatever inotify misses.")
        .range(10, 3600.0 * 1000);
    t.add("rotate_wait", &TailConfig::rotate_wait,
          "A file renamed away or deleted is read to its end, and kept open this long after its last new "
          "byte in case its writer still appends, then released.")
        .range(0, 24 * 3600.0 * 1000);
    t.add("idle_timeout", &TailConfig::idle_timeout,
          "A file with no new data for this long is closed (its position is kept) and opened again when it "
          "changes. 0: never.")
        .range(0, 30 * 24 * 3600.0 * 1000);
    t.add("partial_line_timeout", &TailConfig::partial_line_timeout,
          "A last line without its newline is held until the newline comes. After this long without new data "
          "it is emitted as it is (and what follows later becomes a line of its own). 0: wait for the "
          "newline; a file that is released emits its partial last line either way.")
        .range(0, 24 * 3600.0 * 1000);
    t.add("max_open_files", &TailConfig::max_open_files,
          "Most files open at once. Beyond it, the file idle the longest is closed to make room; files keep "
          "their positions and are read in turn.")
        .range(1, 1000000);
    t.add("max_files", &TailConfig::max_files,
          "Most files followed; files matched beyond it are left out, counted (`tail_files_over_limit`) and "
          "logged.")
        .range(1, 10000000);
    files::add_reading_options(t);
    t.check("include", [](const TailConfig& c) -> std::optional<std::string> {
      if (c.include.empty()) return "needs at least one pattern";
      for (const auto& p : c.include) {
        if (p.empty()) return "a pattern is empty";
      }
      return std::nullopt;
    });
    return t;
  }();
  return table;
}

}  // namespace pyrolog
