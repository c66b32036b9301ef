#pragma once

#include <string>
#include <string_view>

#include "event/batch.h"
#include "listener.h"
#include "syslog_event.h"
#include "syslog_framer.h"

namespace pyrolog::syslog {

// One stream connection's decoder: frames its bytes, parses every frame into a syslog event, and counts what
// the framer and the parser report in the source's counters.
class SyslogStreamDecoder final : public stream_input::ConnectionDecoder {
 public:
  SyslogStreamDecoder(SourceState& state, std::string peer);
  void decode(std::string_view data, bool at_end, Batch& batch) override;

 private:
  SourceState& state_;
  std::string peer_;
  Framer framer_;
  EventBuilder builder_;
};

}  // namespace pyrolog::syslog
