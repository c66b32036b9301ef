#pragma once

#include <optional>

#include "config/option_table.h"
#include "file_reader.h"
#include "multiline_config.h"

namespace pyrolog::files {

inline constexpr std::pair<std::string_view, OverlongMode> kOverlongChoices[] = {
    {"truncate", OverlongMode::truncate}, {"split", OverlongMode::split}, {"drop", OverlongMode::drop}};
inline constexpr std::pair<std::string_view, Utf8Mode> kUtf8Choices[] = {{"keep", Utf8Mode::keep},
                                                                         {"replace", Utf8Mode::replace}};

// The options every file source declares the same way: how bytes become events, and how files are recognised.
// `C` has the members `read_buffer_bytes`, `fingerprint_bytes`, `max_line_bytes`, `overlong_lines`,
// `invalid_utf8`, `multiline` and `commit_interval`.
template <class C>
void add_reading_options(config::OptionTable<C>& t) {
  t.add("read_buffer_bytes", &C::read_buffer_bytes,
        "Bytes read from a file at a time; each read becomes one batch.")
      .range(4096, 64.0 * 1024 * 1024);
  t.add("max_line_bytes", &C::max_line_bytes,
        "Longest line kept whole; a longer one is truncated, split or dropped (see `overlong_lines`) and "
        "counted.")
      .range(16, 1024.0 * 1024 * 1024);
  t.add("overlong_lines", &C::overlong_lines,
        "What happens to a line over `max_line_bytes`: `truncate` keeps its first `max_line_bytes` bytes, "
        "`split` makes one event of each `max_line_bytes` piece (counted as `file_lines_split`), `drop` "
        "discards it. Truncated and dropped lines are counted as `line_too_long`.")
      .choices(std::span<const std::pair<std::string_view, OverlongMode>>(kOverlongChoices));
  t.add("invalid_utf8", &C::invalid_utf8,
        "Lines that are not valid UTF-8: `keep` passes their bytes on as they are, `replace` replaces each "
        "bad byte with U+FFFD. Either way they are counted (`file_invalid_utf8_events`).")
      .choices(std::span<const std::pair<std::string_view, Utf8Mode>>(kUtf8Choices));
  t.add("fingerprint_bytes", &C::fingerprint_bytes,
        "Leading bytes of a file that, with its device and inode, identify it (see the identity section of "
        "docs/sources/tail.md). A file shorter than this is identified by what it has, until it grows.")
      .range(16, 65536);
  t.add("commit_interval", &C::commit_interval,
        "How often acknowledged positions are written to the positions file (also at a clean stop). A crash "
        "reads again at most what was acknowledged in the last interval, and what was in flight.")
      .range(10, 3600.0 * 1000);
  t.add("multiline", &C::multiline, "Groups consecutive lines into one event (stack traces).");
}

// The compiled rules of a `multiline` section; nullopt when grouping is off. Throws ComponentConfigError when
// a pattern does not compile (the option table's check reports that earlier, at load time).
std::optional<MultilineRules> make_multiline_rules(const MultilineConfig& config);

}  // namespace pyrolog::files
