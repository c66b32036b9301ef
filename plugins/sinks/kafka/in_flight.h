#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kafka_producer.h"
#include "plugin/sink.h"

namespace pyrolog {

struct InFlightBatch;

// Where a message is on its way to the brokers.
enum class MessageState : std::uint8_t {
  unsent,     // waiting to be handed to the producer (first time, or again after a failure)
  with_main,  // handed to the main producer; a delivery report will come
  isolating,  // waiting to be sent alone (the broker refused the request it was in)
  with_isolation,
  dead_letter,  // waiting to be written to the dead-letter file
  with_dead_letter_topic,
  done,  // acknowledged, or set aside as a dead letter
};

// Why a message was refused, kept for the dead-letter record and headers (rare: only failed messages have
// one).
struct MessageFailure {
  int error = 0;
  std::string error_name;
  std::string reason;
};

// One event of a batch, rendered: views into the batch (raw lines) or into its `InFlightBatch::text`.
struct OutgoingMessage {
  InFlightBatch* batch = nullptr;
  std::uint32_t index = 0;  // in the batch
  MessageState state = MessageState::unsent;
  std::uint16_t attempts = 0;  // times handed to a producer
  std::string_view topic;
  std::string_view payload;
  std::optional<std::string_view> key;
  std::uint32_t first_header = 0;
  std::uint32_t header_count = 0;
  std::int64_t timestamp_ms = 0;
  std::unique_ptr<MessageFailure> failure;
};

// A batch taken from the channel whose messages are on their way. It is acknowledged to the channel once
// every message is acknowledged by the brokers or set aside as a dead letter, and not before.
struct InFlightBatch {
  InFlightBatch() = default;
  // Messages point into the batch (`batch`, `text`): it never moves.
  InFlightBatch(const InFlightBatch&) = delete;
  InFlightBatch& operator=(const InFlightBatch&) = delete;

  std::uint64_t id = 0;
  Delivery delivery;
  std::string text;  // rendered topics, keys, headers and bodies; never grows once the messages point into it
  std::vector<OutgoingMessage> messages;
  std::vector<kafka::Header> headers;
  std::size_t pending = 0;        // messages not yet done
  std::size_t bytes = 0;          // payload and key bytes, counted against max_in_flight_bytes
  std::uint32_t next_unsent = 0;  // messages before this one were handed to the producer at least once
  std::chrono::steady_clock::time_point taken;

  std::span<const kafka::Header> headers_of(const OutgoingMessage& m) const {
    return std::span<const kafka::Header>(headers).subspan(m.first_header, m.header_count);
  }
};

// The batches in flight, bounded by a count and by bytes: the sink takes another batch from the channel only
// while `has_room()`. A batch larger than the byte bound still goes when the window is empty.
class InFlightWindow {
 public:
  InFlightWindow(std::size_t max_batches, std::size_t max_bytes)
      : max_batches_(max_batches), max_bytes_(max_bytes) {}

  bool has_room() const {
    return batches_.empty() || (batches_.size() < max_batches_ && bytes_ < max_bytes_);
  }
  bool empty() const { return batches_.empty(); }
  std::size_t batches() const { return batches_.size(); }
  std::size_t bytes() const { return bytes_; }
  std::size_t pending_messages() const { return pending_; }

  // Takes a batch whose messages are all pending; returns it (its address is stable until it is finished).
  InFlightBatch& add(std::unique_ptr<InFlightBatch> batch);
  // Marks `m` done. When that was the last pending message of its batch, the batch leaves the window and is
  // returned: acknowledge it. Marking a message done twice is a bug and throws std::logic_error.
  std::unique_ptr<InFlightBatch> finish(OutgoingMessage& m);
  // Every batch still in flight, oldest first, leaving the window empty (shutdown).
  std::vector<std::unique_ptr<InFlightBatch>> take_all();

  // Visits every batch in flight, oldest first.
  template <class F>
  void for_each(F&& f) {
    for (auto& [id, batch] : batches_)
      f(*batch);
  }

 private:
  std::size_t max_batches_;
  std::size_t max_bytes_;
  std::map<std::uint64_t, std::unique_ptr<InFlightBatch>> batches_;
  std::size_t bytes_ = 0;
  std::size_t pending_ = 0;
};

}  // namespace pyrolog
