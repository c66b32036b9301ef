#include "spool_dir_source.h"

#include "plugin/plugin_registry.h"
#include "spooler.h"

namespace pyrolog {

SpoolDirSource::SpoolDirSource(const SpoolDirConfig& config) : spooler_(std::make_shared<Spooler>(config)) {}

SpoolDirSource::~SpoolDirSource() {
  spooler_->close();
}

void SpoolDirSource::open(SourceContext& ctx) {
  spooler_->open(ctx);
}

Awaitable<void> SpoolDirSource::run(SourceContext& ctx) {
  auto spooler = spooler_;
  co_await spooler->run(ctx);
}

void SpoolDirSource::stop() {
  spooler_->stop();
}

namespace {
[[maybe_unused]] const bool registered = register_source<SpoolDirConfig, SpoolDirSource>(
    "spool_dir", "Reads complete files dropped into a directory, one at a time, and renames each when done.",
    "Flume's spooling directory. Files are taken oldest first (or by name), one at a time; a file is "
    "renamed with `completed_suffix` (or deleted) only when the channel has acknowledged every one of its "
    "lines. A crash in the middle of a file resumes at the last acknowledged position, without losing or "
    "repeating more than the lines not yet acknowledged. A file that changes after it was picked up is "
    "reported, counted, set aside with `changed_suffix`, and the source goes on with the next one (Flume "
    "stops). Every event carries `file.path` and `file.offset`. See "
    "[docs/sources/spool_dir.md](../../sources/spool_dir.md).\n\nMetrics: "
    "`pyrolog_spool_dir_files_completed_total`, `pyrolog_spool_dir_files_changed_total`, "
    "`pyrolog_spool_dir_files_failed_total`, `pyrolog_spool_dir_files_pending`, "
    "`pyrolog_file_lines_split_total`, `pyrolog_file_invalid_utf8_events_total`, "
    "`pyrolog_component_discarded_events_total{reason=\"line_too_long\"}`, "
    "`pyrolog_component_errors_total`.");
}  // namespace

}  // namespace pyrolog
