#include "stream_decoder.h"

#include <chrono>

namespace pyrolog::syslog {

void decode_stream(SourceState& state, Framer& framer, EventBuilder& builder, std::string_view peer,
                   std::string_view data, bool at_end, Batch& batch) {
  const TimestampNs now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
  const FramerStats before = framer.stats();
  std::uint64_t failures = 0;
  auto on_frame = [&](std::string_view frame) {
    if (!builder.add(batch, batch.store(frame), peer, now)) ++failures;
  };
  framer.feed(data, on_frame);
  if (at_end) framer.finish(on_frame);
  const FramerStats& after = framer.stats();
  if (after.truncated > before.truncated) state.truncated->add(after.truncated - before.truncated);
  if (after.dropped > before.dropped) state.too_long->add(after.dropped - before.dropped);
  if (after.framing_errors > before.framing_errors) {
    state.framing_errors->add(after.framing_errors - before.framing_errors);
  }
  if (failures > 0) state.parse_failures->add(failures);
}

}  // namespace pyrolog::syslog
