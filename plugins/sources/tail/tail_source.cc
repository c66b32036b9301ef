#include "tail_source.h"

#include "plugin/plugin_registry.h"
#include "tailer.h"

namespace pyrolog {

TailSource::TailSource(const TailConfig& config) : tailer_(std::make_shared<Tailer>(config)) {}

TailSource::~TailSource() {
  tailer_->close();
}

void TailSource::open(SourceContext& ctx) {
  tailer_->open(ctx);
}

Awaitable<void> TailSource::run(SourceContext& ctx) {
  auto tailer = tailer_;
  co_await tailer->run(ctx);
}

void TailSource::stop() {
  tailer_->stop();
}

namespace {
[[maybe_unused]] const bool registered = register_source<TailConfig, TailSource>(
    "tail", "Follows log files matched by glob patterns, through rotation, truncation and restarts.",
    "Files are found by walking the `include` patterns (`**` for any depth) every `scan_interval`, and at "
    "once when inotify reports a change in a watched directory. A file is identified by its device, inode "
    "and a fingerprint of its first bytes, so a reused inode is a new file. A file renamed away or deleted "
    "is read to its end before it is released; a file truncated in place (copytruncate) is read again from "
    "its start, and what was not yet read of its old content is read from the copy beside it. Positions "
    "move only when the channel has acknowledged the lines before them, and are written atomically to "
    "`positions.json` in the source's state directory; a partial last line is neither emitted nor committed "
    "until its newline comes. Every event carries `file.path` and `file.offset` (where the event begins in "
    "the file). See [docs/sources/tail.md](../../sources/tail.md) for the details and the "
    "limits.\n\nMetrics: `pyrolog_tail_files`, `pyrolog_tail_files_open`, `pyrolog_tail_behind_bytes`, "
    "`pyrolog_tail_file_behind_bytes{path}`, `pyrolog_tail_rotations_total`, "
    "`pyrolog_tail_truncations_total`, `pyrolog_tail_copies_recovered_total`, "
    "`pyrolog_tail_inotify_overflows_total`, `pyrolog_tail_files_released_total`, "
    "`pyrolog_tail_files_over_limit_total`, `pyrolog_file_lines_split_total`, "
    "`pyrolog_file_invalid_utf8_events_total`, `pyrolog_file_multiline_limited_total`, "
    "`pyrolog_component_discarded_events_total{reason=\"line_too_long\"}`, "
    "`pyrolog_component_errors_total`.");
}  // namespace

}  // namespace pyrolog
