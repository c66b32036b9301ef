#pragma once

#include <string_view>

#include "event/batch.h"
#include "listener.h"
#include "syslog_event.h"
#include "syslog_framer.h"

namespace pyrolog::syslog {

// Frames `data` (from one stream connection), parses every frame into `batch` and counts what the framer and
// the parser report in the source's counters. `at_end`: the stream ended after `data`.
void decode_stream(SourceState& state, Framer& framer, EventBuilder& builder, std::string_view peer,
                   std::string_view data, bool at_end, Batch& batch);

}  // namespace pyrolog::syslog
