#pragma once

#include <string_view>

#include "syslog_message.h"
#include "syslog_time.h"

namespace pyrolog::syslog {

// `<PRI>` at the start of `in` (1 to 3 digits, 0..191): consumed, and facility and severity set. False (and
// nothing consumed) when there is none.
bool parse_pri(std::string_view& in, Message& out);

// The rest of an RFC 5424 message after its PRI: `1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]`.
bool parse_rfc5424(std::string_view in, const TimeContext& ctx, Message& out);

// The rest of an RFC 3164 message after its PRI, as real senders write it: an optional Cisco sequence number
// (`123: `), a BSD (`Oct  1 22:14:15`, optionally with a fraction or a year) or ISO 8601 timestamp, possibly
// prefixed with `*` or `.` and followed by a zone name and `:`, an optional hostname, a tag with an optional
// `[pid]`, and the message. Never fails: what is missing stays empty.
void parse_rfc3164(std::string_view in, const TimeContext& ctx, Message& out);

// A whole syslog line: PRI, then RFC 5424 when the version `1 ` follows, else RFC 3164. False when it is not
// syslog (no PRI, or a broken RFC 5424 header): `out.format` is then `none` and `out.message` the line.
// Trailing CR, LF and NUL bytes are not part of the message.
bool parse_syslog(std::string_view line, const TimeContext& ctx, Message& out);

}  // namespace pyrolog::syslog
