#include "file_sink.h"

#include <fmt/format.h>

#include "gzip_member.h"
#include "log/log.h"
#include "plugin/plugin_registry.h"

namespace pyrolog {

const config::OptionTable<FileSinkConfig>& FileSinkConfig::options() {
  static const auto table = [] {
    config::OptionTable<FileSinkConfig> t;
    t.add("path", &FileSinkConfig::path,
          "The file written to. Rolled files are renamed to `PATH.YYYYMMDDTHHMMSSZ` (`-N` added when that "
          "name exists). The directory is created if missing.")
        .required()
        .example("/var/log/pyrolog/events.log");
    t.add("encoding", &FileSinkConfig::encoding,
          "`raw`: the line as received. `json`: an object with `timestamp`, `message` and every field.")
        .choices(encoding_choices());
    t.add("except_fields", &FileSinkConfig::except_fields, kExceptFieldsHelp);
    t.check("except_fields", [](const FileSinkConfig& c) -> std::optional<std::string> {
      if (!c.except_fields.empty() && c.encoding != Encoding::json) return "only used with `encoding: json`";
      return check_except_fields(c.except_fields);
    });
    t.add("compression", &FileSinkConfig::compression,
          "`gzip` writes each batch as a gzip member: the file is one valid gzip stream at every batch "
          "boundary, even after a crash. Name the file `*.gz`.")
        .choices<FileCompression>({{"none", FileCompression::none}, {"gzip", FileCompression::gzip}});
    t.add("gzip_level", &FileSinkConfig::gzip_level, "zlib compression level, 1 (fastest) to 9 (smallest).")
        .range(1, 9);
    t.add("roll_bytes", &FileSinkConfig::roll_bytes,
          "Roll the file before it grows past this size; 0: never.")
        .range(0, 1024.0 * 1024 * 1024 * 1024);
    t.add("roll_interval", &FileSinkConfig::roll_interval,
          "Roll a non-empty file this long after it was opened; 0: never.");
    t.add("max_files", &FileSinkConfig::max_files, "Rolled files kept; older ones are deleted. 0: keep all.");
    t.add("sync", &FileSinkConfig::sync,
          "`true`: fdatasync before acknowledging a batch, so it survives a power loss. `false`: "
          "acknowledge when the kernel has it, which survives a crash of the agent.");
    t.check("path", [](const FileSinkConfig& c) -> std::optional<std::string> {
      if (c.path.empty()) return "must not be empty";
      if (c.path.back() == '/') return fmt::format("'{}' names a directory; it must name a file", c.path);
      return std::nullopt;
    });
    return t;
  }();
  return table;
}

FileSink::FileSink(const FileSinkConfig& config)
    : config_(config),
      encoder_(config.encoding, config.except_fields),
      file_(config.path,
            RollingFilePolicy{config.roll_bytes.bytes, config.roll_interval, config.max_files, config.sync,
                              config.compression == FileCompression::gzip ? find_complete_gzip_members_end
                                                                          : find_complete_lines_end}) {}

void FileSink::open(SinkContext& ctx) {
  if (auto ec = file_.open()) {
    throw std::runtime_error(fmt::format("cannot open {}: {}", config_.path, ec.message()));
  }
  if (file_.cut_at_open() > 0) {
    log::warn(ctx.name(),
              "cut {} bytes off the end of {}: part of a batch that was being written when the agent "
              "stopped (a crash); that batch was not acknowledged, so it is delivered again",
              file_.cut_at_open(), config_.path);
  }
}

Awaitable<void> FileSink::write_with_retry(SinkContext& ctx, std::string_view data, std::error_code failed) {
  log::RateLimit limit(std::chrono::seconds(30));
  std::error_code ec = failed ? failed : file_.append(data);
  for (std::chrono::milliseconds backoff{100}; ec;
       backoff = std::min(backoff * 2, std::chrono::milliseconds(5000))) {
    ctx.metrics().errors.add();
    std::uint64_t suppressed = 0;
    if (limit.allow(suppressed)) {
      log::error(ctx.name(), "cannot write {}: {}; retrying (events stay in the channel)", config_.path,
                 ec.message());
    }
    asio::steady_timer timer(ctx.executor(), backoff);
    boost::system::error_code wait_ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, wait_ec));
    ec = file_.append(data);
  }
}

std::error_code FileSink::write_in_parts(const Batch& batch, std::string& text, std::uint64_t& written) {
  // About a quarter of a core's L2 cache: the kernel copies each part into the page cache while it is still
  // in the cache the encoder wrote it to. A whole batch (256 KiB read become some 800 KiB of JSON) is not.
  constexpr std::size_t kPartBytes = 128 * 1024;
  written = 0;
  if (auto ec = file_.begin_batch(batch.size() * 2 * bytes_per_event_)) return ec;
  const auto events = batch.events();
  for (std::size_t i = 0; i < events.size();) {
    text.clear();
    while (i < events.size() && text.size() < kPartBytes)
      encoder_.append_line(text, batch, events[i++]);
    if (file_.part_passes_limit(text.size())) {
      // The estimate was low and this file has no room for the batch: it starts over in the next file.
      if (auto ec = file_.restart_batch()) return ec;
      written = 0;
      i = 0;
      continue;
    }
    if (auto ec = file_.write_part(text)) return ec;
    written += text.size();
  }
  if (!events.empty()) bytes_per_event_ = std::max(bytes_per_event_, written / events.size());
  return file_.end_batch();
}

Awaitable<void> FileSink::roll_on_time(SinkContext& ctx) {
  auto& timer = *roll_timer_;
  while (!done_) {
    timer.expires_after(std::min<Duration>(config_.roll_interval, std::chrono::seconds(1)));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (done_) break;
    if (auto roll_ec = file_.roll_if_due())
      log::warn(ctx.name(), "cannot roll {}: {}", config_.path, roll_ec.message());
  }
}

Awaitable<void> FileSink::run(SinkContext& ctx) {
  // The timer coroutine shares this sink's strand, so it never runs beside a write. It is joined before
  // `run` returns: nothing of this sink may run after that.
  if (config_.roll_interval.count() > 0) {
    roll_timer_.emplace(ctx.executor());
    roller_running_ = true;
    asio::co_spawn(ctx.executor(), roll_on_time(ctx), [this](std::exception_ptr) {
      std::lock_guard lock(mutex_);
      roller_running_ = false;
      roller_finished_.notify_all();
    });
  }
  std::string text;
  std::string compressed;
  while (auto delivery = co_await ctx.next()) {
    const Batch& batch = *delivery->batch;
    std::uint64_t written = 0;
    std::error_code failed;
    if (config_.compression == FileCompression::none) failed = write_in_parts(batch, text, written);
    if (config_.compression == FileCompression::gzip || failed) {
      // Whole: a gzip member per batch, or the retry of a batch whose parts failed (cut off again by now).
      text.clear();
      for (const Event& e : batch.events())
        encoder_.append_line(text, batch, e);
      std::string_view data = text;
      if (config_.compression == FileCompression::gzip) {
        compressed.clear();
        append_gzip_member(compressed, text, static_cast<int>(config_.gzip_level));
        data = compressed;
      }
      co_await write_with_retry(ctx, data, failed);
      written = data.size();
    }
    ctx.metrics().sent_events.add(batch.size());
    ctx.metrics().sent_bytes.add(written);
    ctx.ack(std::move(*delivery));
  }
  done_ = true;
  if (roll_timer_) {
    roll_timer_->cancel();
    co_await roller_finished_.wait(mutex_, [this] { return !roller_running_; });
  }
  if (auto ec = file_.close()) log::error(ctx.name(), "closing {}: {}", config_.path, ec.message());
}

namespace {
[[maybe_unused]] const bool registered = register_sink<FileSinkConfig, FileSink>(
    "file",
    "Appends events to a file, one line each, rolling it by size and age, optionally gzip-compressed.",
    "A batch is acknowledged once written whole (and, with `sync: true`, synced). When a write fails, for "
    "instance on a full disk, what part of the batch was written is cut off again and the write is retried "
    "with backoff; the channel fills meanwhile, and with `when_full: block` the sources stop reading. "
    "Nothing is lost, and while the agent runs nothing is written twice. After a crash, the half-written "
    "line "
    "(or gzip member) at the end of the file is cut off and its batch written again, so that batch's whole "
    "lines appear twice. See "
    "[the file sink's page](../../sinks/file.md) for how it writes, rolls and recovers.");
}  // namespace

}  // namespace pyrolog
