#include "stream_decoder.h"

#include <chrono>

namespace pyrolog::syslog {

SyslogStreamDecoder::SyslogStreamDecoder(SourceState& state, std::string peer)
    : state_(state),
      peer_(std::move(peer)),
      framer_(FramerOptions{state.config.framing, state.config.max_message_bytes.bytes,
                            state.config.overlong_messages, state.config.nul_delimiter}),
      builder_(state.zone) {}

void SyslogStreamDecoder::decode(std::string_view data, bool at_end, Batch& batch) {
  const TimestampNs now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
  const FramerStats before = framer_.stats();
  std::uint64_t failures = 0;
  // Field values must live in the batch: it can outlive this connection (a memory channel holds it until
  // delivered, a disk channel keeps recent batches in memory). The peer is stored once per call.
  std::string_view peer;
  auto on_frame = [&](std::string_view frame) {
    if (peer.data() == nullptr && !peer_.empty()) peer = batch.store(peer_);
    if (!builder_.add(batch, batch.store(frame), peer, now)) ++failures;
  };
  framer_.feed(data, on_frame);
  if (at_end) framer_.finish(on_frame);
  stream_input::FramerCounters{state_.truncated, state_.too_long, state_.framing_errors}.add(before,
                                                                                             framer_.stats());
  if (failures > 0) state_.parse_failures->add(failures);
}

}  // namespace pyrolog::syslog
