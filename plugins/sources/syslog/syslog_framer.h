#pragma once

// The syslog source's stream framer is the shared one (plugins/common/stream_input/stream_framer.h); these
// names keep the syslog code, its tests and the fuzz target reading as before.
#include "stream_framer.h"

namespace pyrolog::syslog {

using stream_input::Framer;
using stream_input::FramerOptions;
using stream_input::FramerStats;
using stream_input::Framing;
using stream_input::Overlong;

}  // namespace pyrolog::syslog
