#pragma once

#include "codec/event_encoder.h"
#include "config/option_table.h"
#include "plugin/sink.h"

namespace pyrolog {

enum class ConsoleStream { stdout_stream, stderr_stream };

struct ConsoleSinkConfig {
  Encoding encoding = Encoding::json;
  std::vector<std::string> except_fields;
  ConsoleStream stream = ConsoleStream::stdout_stream;

  static const config::OptionTable<ConsoleSinkConfig>& options();
};

// Writes each event as a line to standard output or standard error: for trying configs and debugging.
class ConsoleSink final : public Sink {
 public:
  explicit ConsoleSink(const ConsoleSinkConfig& config)
      : config_(config), encoder_(config.encoding, config.except_fields) {}
  void open(SinkContext&) override {}
  Awaitable<void> run(SinkContext& ctx) override;

 private:
  ConsoleSinkConfig config_;
  EventEncoder encoder_;
};

}  // namespace pyrolog
