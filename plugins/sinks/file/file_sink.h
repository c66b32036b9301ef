#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/units.h"
#include "codec/event_encoder.h"
#include "config/option_table.h"
#include "plugin/sink.h"
#include "rolling_file.h"
#include "runtime/wait_queue.h"

namespace pyrolog {

enum class FileCompression { none, gzip };

struct FileSinkConfig {
  std::string path;
  Encoding encoding = Encoding::raw;
  std::vector<std::string> except_fields;
  FileCompression compression = FileCompression::none;
  std::uint32_t gzip_level = 6;
  ByteSize roll_bytes{128 * 1024 * 1024};
  Duration roll_interval{std::chrono::hours(1)};
  std::uint32_t max_files = 0;
  bool sync = false;

  static const config::OptionTable<FileSinkConfig>& options();
};

// Appends events to a file, one line each, rolling it by size and by age. A batch is acknowledged once it is
// written whole (and synced, with `sync: true`). A write that fails (a full disk) is cut back and retried
// until it succeeds; meanwhile the channel fills and the sources stop reading.
class FileSink final : public Sink {
 public:
  explicit FileSink(const FileSinkConfig& config);
  void open(SinkContext& ctx) override;
  Awaitable<void> run(SinkContext& ctx) override;

 private:
  Awaitable<void> roll_on_time(SinkContext& ctx);
  // Appends `data` whole, retrying with backoff until it succeeds; `failed` is an attempt that already
  // failed.
  Awaitable<void> write_with_retry(SinkContext& ctx, std::string_view data, std::error_code failed = {});
  // Encodes `batch` and writes it in parts of about kPartBytes; `written` gets the bytes written.
  std::error_code write_in_parts(const Batch& batch, std::string& text, std::uint64_t& written);

  FileSinkConfig config_;
  EventEncoder encoder_;
  RollingFile file_;
  // The largest average bytes per event of a batch so far: begin_batch() rolls a file a batch would take past
  // roll_bytes by twice this per event, so that a batch rarely has to start over in the next file.
  std::uint64_t bytes_per_event_ = 0;
  bool done_ = false;  // touched on this sink's strand only
  std::optional<asio::steady_timer> roll_timer_;
  std::mutex mutex_;
  bool roller_running_ = false;
  WaitQueue roller_finished_;
};

}  // namespace pyrolog
