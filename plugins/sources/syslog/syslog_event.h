#pragma once

#include <string_view>

#include "event/batch.h"
#include "syslog_message.h"
#include "syslog_time.h"

namespace pyrolog::syslog {

// Turns frames into events with the `syslog.*` fields (see docs/sources/syslog.md). One per reading
// coroutine: it keeps a parsed message as scratch space.
class EventBuilder {
 public:
  explicit EventBuilder(const timestamp::TimeZone& zone) : zone_(zone) {}

  // Adds an event for `frame`, which must already live in `batch`. `received` is the event time when the
  // message has none. False when the frame is not syslog (kept whole, tagged `_syslogparsefailure`).
  bool add(Batch& batch, std::string_view frame, std::string_view peer, TimestampNs received);

 private:
  const timestamp::TimeZone& zone_;
  Message message_;
  std::string name_;
};

}  // namespace pyrolog::syslog
