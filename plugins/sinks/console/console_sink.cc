#include "console_sink.h"

#include <cerrno>
#include <unistd.h>

#include "log/log.h"
#include "plugin/plugin_registry.h"

namespace pyrolog {

const config::OptionTable<ConsoleSinkConfig>& ConsoleSinkConfig::options() {
  static const auto table = [] {
    config::OptionTable<ConsoleSinkConfig> t;
    t.add("encoding", &ConsoleSinkConfig::encoding,
          "`raw`: the line as received. `json`: an object with `timestamp`, `message` and every field.")
        .choices(encoding_choices());
    t.add("except_fields", &ConsoleSinkConfig::except_fields, kExceptFieldsHelp);
    t.check("except_fields", [](const ConsoleSinkConfig& c) -> std::optional<std::string> {
      if (!c.except_fields.empty() && c.encoding != Encoding::json) return "only used with `encoding: json`";
      return check_except_fields(c.except_fields);
    });
    t.add("stream", &ConsoleSinkConfig::stream, "Where to write.")
        .choices<ConsoleStream>(
            {{"stdout", ConsoleStream::stdout_stream}, {"stderr", ConsoleStream::stderr_stream}});
    return t;
  }();
  return table;
}

Awaitable<void> ConsoleSink::run(SinkContext& ctx) {
  const int fd = config_.stream == ConsoleStream::stdout_stream ? STDOUT_FILENO : STDERR_FILENO;
  std::string out;
  while (auto delivery = co_await ctx.next()) {
    out.clear();
    for (const Event& e : delivery->batch->events())
      encoder_.append_line(out, *delivery->batch, e);
    std::string_view left = out;
    bool failed = false;
    while (!left.empty()) {
      const ssize_t n = ::write(fd, left.data(), left.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        failed = true;
        break;
      }
      left.remove_prefix(static_cast<std::size_t>(n));
    }
    if (failed) {
      // A closed terminal or pipe: the events are counted as errors and let go, so the agent is not stuck.
      ctx.metrics().errors.add(delivery->batch->size());
    } else {
      ctx.metrics().sent_events.add(delivery->batch->size());
      ctx.metrics().sent_bytes.add(out.size());
    }
    ctx.ack(std::move(*delivery));
  }
}

namespace {
[[maybe_unused]] const bool registered = register_sink<ConsoleSinkConfig, ConsoleSink>(
    "console", "Writes each event as a line to standard output or standard error.");
}  // namespace

}  // namespace pyrolog
