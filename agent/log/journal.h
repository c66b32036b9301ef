#pragma once

#include <string_view>

#include "log/log.h"

namespace pyrolog::log {

// True when `journal_stream` (the JOURNAL_STREAM variable systemd sets, `device:inode`) names the file behind
// `fd`: that descriptor is connected to the journal, so structured entries can replace plain lines.
bool journal_stream_matches(std::string_view journal_stream, int fd);

// The syslog priority of a level (journald's PRIORITY field).
int journal_priority(Level level);

// Sends one entry with MESSAGE, PRIORITY, PYROLOG_COMPONENT and SYSLOG_IDENTIFIER=pyrolog. False when the
// journal did not take it.
bool send_to_journal(Level level, std::string_view component, std::string_view message);

}  // namespace pyrolog::log
