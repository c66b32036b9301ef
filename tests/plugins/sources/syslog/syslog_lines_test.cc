// A table of syslog lines (the RFC 5424 and RFC 3164 examples, what real senders and devices write, and
// malformed input) with the fields each must give.
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "event/batch.h"
#include "syslog_event.h"
#include "syslog_parser.h"
#include "syslog_test_util.h"

namespace pyrolog::syslog {
namespace {

using testing::utc;

struct Case {
  std::string line;
  bool ok = true;
  std::string format = {};  // rfc5424 / rfc3164; ignored when !ok
  int facility = -1;
  int severity = -1;
  std::string time = {};  // UTC `YYYY-MM-DDTHH:MM:SS`, or "" for none (the event then has the receive time)
  std::int64_t nanos = 0;
  std::string hostname = {}, appname = {}, procid = {}, msgid = {}, message = {};
  std::vector<std::pair<std::string, std::string>> sd = {};  // field name without `syslog.sd.` -> value
  std::string sequence = {};
};

// Now, for timestamps without a year: 2026-11-21T07:00:00Z. Zone of zone-less times: UTC.
const TimestampNs kNow = utc("2026-11-21T07:00:00");

const std::vector<Case>& cases() {
  static const std::vector<Case> table = {
      // RFC 5424 section 6.5, examples 1 to 4.
      {"<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \xEF\xBB\xBF'su root' failed for "
       "lonvick on /dev/pts/8",
       true, "rfc5424", 4, 2, "2003-10-11T22:14:15", 3'000'000, "mymachine.example.com", "su", "", "ID47",
       "'su root' failed for lonvick on /dev/pts/8"},
      {"<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.",
       true, "rfc5424", 20, 5, "2003-08-24T12:14:15", 3'000, "192.0.2.1", "myproc", "8710", "",
       "%% It's time to make the do-nuts."},
      {"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" "
       "eventSource=\"Application\" eventID=\"1011\"] \xEF\xBB\xBF"
       "An application event log entry...",
       true,
       "rfc5424",
       20,
       5,
       "2003-10-11T22:14:15",
       3'000'000,
       "mymachine.example.com",
       "evntslog",
       "",
       "ID47",
       "An application event log entry...",
       {{"exampleSDID@32473.iut", "3"},
        {"exampleSDID@32473.eventSource", "Application"},
        {"exampleSDID@32473.eventID", "1011"}}},
      {"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" "
       "eventSource=\"Application\" eventID=\"1011\"][examplePriority@32473 class=\"high\"]",
       true,
       "rfc5424",
       20,
       5,
       "2003-10-11T22:14:15",
       3'000'000,
       "mymachine.example.com",
       "evntslog",
       "",
       "ID47",
       "",
       {{"exampleSDID@32473.iut", "3"},
        {"exampleSDID@32473.eventSource", "Application"},
        {"exampleSDID@32473.eventID", "1011"},
        {"examplePriority@32473.class", "high"}}},
      // RFC 5424: everything nil.
      {"<13>1 - - - - - -", true, "rfc5424", 1, 5, "", 0, "", "", "", "", ""},
      // Escapes in PARAM-VALUE: \" \\ \] are unescaped; another backslash stays; `]` inside quotes is text.
      {"<13>1 2024-01-01T00:00:00Z h a p m [x@1 v=\"a\\\"b\\\\c\\]d\" w=\"a\\nb\" z=\"x]y\"] msg",
       true,
       "rfc5424",
       1,
       5,
       "2024-01-01T00:00:00",
       0,
       "h",
       "a",
       "p",
       "m",
       "msg",
       {{"x@1.v", "a\"b\\c]d"}, {"x@1.w", "a\\nb"}, {"x@1.z", "x]y"}}},
      // util-linux logger --rfc5424 with --sd-id/--sd-param, microseconds and an offset.
      {"<13>1 2026-11-21T08:20:00.123456+01:00 build-7 deploy 4242 - [timeQuality tzKnown=\"1\" "
       "isSynced=\"0\"][app@32473 env=\"prod\" rev=\"9f3c\"] rolled out",
       true,
       "rfc5424",
       1,
       5,
       "2026-11-21T07:20:00",
       123'456'000,
       "build-7",
       "deploy",
       "4242",
       "",
       "rolled out",
       {{"timeQuality.tzKnown", "1"},
        {"timeQuality.isSynced", "0"},
        {"app@32473.env", "prod"},
        {"app@32473.rev", "9f3c"}}},
      // An element without params, a +05:30 offset, nanoseconds.
      {"<86>1 2026-11-21T12:30:00.123456789+05:30 db1 postgres 77 AUTH [meta@1] login ok",
       true,
       "rfc5424",
       10,
       6,
       "2026-11-21T07:00:00",
       123'456'789,
       "db1",
       "postgres",
       "77",
       "AUTH",
       "login ok",
       {{"meta@1", "true"}}},
      // Lower-case t and z; no offset at all (zone-less: the configured zone, UTC here).
      {"<14>1 2026-11-21t06:00:00z h app - - - lower case", true, "rfc5424", 1, 6, "2026-11-21T06:00:00", 0,
       "h", "app", "", "", "lower case"},
      {"<14>1 2026-11-21T06:00:00 h app - - - no offset", true, "rfc5424", 1, 6, "2026-11-21T06:00:00", 0,
       "h", "app", "", "", "no offset"},
      // Trailing CR LF is not part of the message.
      {"<14>1 2026-11-21T06:00:00Z h app - - - crlf\r\n", true, "rfc5424", 1, 6, "2026-11-21T06:00:00", 0,
       "h", "app", "", "", "crlf"},
      // PRI 0 and 191, the extremes.
      {"<0>1 - kernel-host kernel - - - panic", true, "rfc5424", 0, 0, "", 0, "kernel-host", "kernel", "", "",
       "panic"},
      {"<191>1 - h a - - - debug", true, "rfc5424", 23, 7, "", 0, "h", "a", "", "", "debug"},
      // Malformed RFC 5424: missing header fields, unterminated SD element and value, a bad date, SD garbage.
      {"<13>1 2003-10-11T22:14:15.003Z host app", false},
      {"<13>1 2003-10-11T22:14:15Z h a p m [x@1 v=\"abc", false},
      {"<13>1 2003-10-11T22:14:15Z h a p m [x@1 v=\"abc\"", false},
      {"<13>1 2003-13-11T22:14:15Z h a p m - bad month", false},
      {"<13>1 2003-10-11T22:14:15Z h a p m [x@1 v=abc] unquoted", false},
      {"<13>1 2003-10-11T22:14:15Z h a p m [] empty id", false},
      {"<13>1 2003-10-11T22:14:15Z h a p m -junk", false},
      // Not syslog at all.
      {"hello world", false},
      {"{\"level\":\"info\",\"msg\":\"json, not syslog\"}", false},
      {"<192>1 - h a - - - pri too large", false},
      {"<1000>Nov 21 06:00:00 h a: four digits", false},
      {"<>Nov 21 06:00:00 h a: empty pri", false},
      {"<13", false},

      // RFC 3164 section 5.4 examples.
      {"<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8", true, "rfc3164", 4, 2,
       "2026-10-11T22:14:15", 0, "mymachine", "su", "", "", "'su root' failed for lonvick on /dev/pts/8"},
      // Without a year, the latest year at most 31 days ahead of now: on 2026-11-21, February 5th is this
      // year's.
      {"<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!", true, "rfc3164", 1, 5, "2026-02-05T17:32:18", 0,
       "10.0.0.99", "", "", "", "Use the BFG!"},
      // Not a timestamp where it should be (RFC 3164's own bad example): kept as the message.
      {"<0>1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!", true,
       "rfc3164", 0, 0, "", 0, "", "", "", "",
       "1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 sched[0]: That's All Folks!"},
      // Space-padded and unpadded days, tag[pid].
      {"<30>Nov  1 07:05:09 web1 nginx[812]: started", true, "rfc3164", 3, 6, "2026-11-01T07:05:09", 0,
       "web1", "nginx", "812", "", "started"},
      {"<30>Nov 1 07:05:09 web1 nginx: started", true, "rfc3164", 3, 6, "2026-11-01T07:05:09", 0, "web1",
       "nginx", "", "", "started"},
      // No hostname: what local daemons send to /dev/log.
      {"<30>Nov 21 06:59:01 systemd[1]: Started Session 5 of user root.", true, "rfc3164", 3, 6,
       "2026-11-21T06:59:01", 0, "", "systemd", "1", "", "Started Session 5 of user root."},
      {"<13>Nov 21 06:00:00 root: hello from logger", true, "rfc3164", 1, 5, "2026-11-21T06:00:00", 0, "",
       "root", "", "", "hello from logger"},
      // Cisco IOS: sequence numbers, `*` (clock not synced), milliseconds, a zone name, no hostname.
      {"<189>52: *Nov 20 23:29:42.155: %SYS-5-CONFIG_I: Configured from console by console",
       true,
       "rfc3164",
       23,
       5,
       "2026-11-20T23:29:42",
       155'000'000,
       "",
       "%SYS-5-CONFIG_I",
       "",
       "",
       "Configured from console by console",
       {},
       "52"},
      {"<187>1234: Nov 21 06:29:42.155 UTC: %LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to "
       "up",
       true,
       "rfc3164",
       23,
       3,
       "2026-11-21T06:29:42",
       155'000'000,
       "",
       "%LINK-3-UPDOWN",
       "",
       "",
       "Interface GigabitEthernet0/1, changed state to up",
       {},
       "1234"},
      // A zone name after the time is applied when it has one meaning (CET is UTC+1).
      {"<187>9: Nov 21 07:29:42 CET: %LINK-3-UPDOWN: Interface Gi0/2, changed state to down",
       true,
       "rfc3164",
       23,
       3,
       "2026-11-21T06:29:42",
       0,
       "",
       "%LINK-3-UPDOWN",
       "",
       "",
       "Interface Gi0/2, changed state to down",
       {},
       "9"},
      {"<189>7: .Nov 21 06:29:42: %SEC-6-IPACCESSLOGP: list 101 denied tcp 10.1.1.1(1234) -> 10.2.2.2(22)",
       true,
       "rfc3164",
       23,
       5,
       "2026-11-21T06:29:42",
       0,
       "",
       "%SEC-6-IPACCESSLOGP",
       "",
       "",
       "list 101 denied tcp 10.1.1.1(1234) -> 10.2.2.2(22)",
       {},
       "7"},
      // ISO 8601 timestamps (rsyslog's RFC 3339 forwarding template), with and without offset.
      {"<86>2026-11-21T06:59:59.123456+01:00 web2 sshd[2202]: Accepted publickey for deploy", true, "rfc3164",
       10, 6, "2026-11-21T05:59:59", 123'456'000, "web2", "sshd", "2202", "",
       "Accepted publickey for deploy"},
      {"<86>2026-11-21T06:59:59 web2 sshd: zone-less", true, "rfc3164", 10, 6, "2026-11-21T06:59:59", 0,
       "web2", "sshd", "", "", "zone-less"},
      // A year between day and time (some firewalls).
      {"<14>Nov 21 2025 06:00:00 fw01 kernel: DROP IN=eth0 OUT= SRC=10.0.0.1", true, "rfc3164", 1, 6,
       "2025-11-21T06:00:00", 0, "fw01", "kernel", "", "", "DROP IN=eth0 OUT= SRC=10.0.0.1"},
      // No timestamp: a tag and a message; PRI alone.
      {"<13>myapp: no timestamp here", true, "rfc3164", 1, 5, "", 0, "", "myapp", "", "",
       "no timestamp here"},
      {"<13>", true, "rfc3164", 1, 5, "", 0, "", "", "", "", ""},
      // A pid that is never closed: no tag.
      {"<13>Nov 21 06:00:00 host app[12 rest", true, "rfc3164", 1, 5, "2026-11-21T06:00:00", 0, "host", "",
       "", "", "app[12 rest"},
      // Linux kernel, postfix (a slash in the tag), dnsmasq without hostname, a Windows forwarder.
      {"<4>Nov 21 05:12:01 edge-r1 kernel: [12345.678] eth0: link down", true, "rfc3164", 0, 4,
       "2026-11-21T05:12:01", 0, "edge-r1", "kernel", "", "", "[12345.678] eth0: link down"},
      {"<22>Nov 21 05:12:01 mail postfix/smtpd[1234]: connect from unknown[1.2.3.4]", true, "rfc3164", 2, 6,
       "2026-11-21T05:12:01", 0, "mail", "postfix/smtpd", "1234", "", "connect from unknown[1.2.3.4]"},
      {"<30>Nov 21 05:12:01 dnsmasq[3310]: query[A] example.com from 192.168.1.20", true, "rfc3164", 3, 6,
       "2026-11-21T05:12:01", 0, "", "dnsmasq", "3310", "", "query[A] example.com from 192.168.1.20"},
      {"<14>Nov 21 06:00:00 WIN-SRV01 Microsoft-Windows-Security-Auditing[4624]: An account was logged on.",
       true, "rfc3164", 1, 6, "2026-11-21T06:00:00", 0, "WIN-SRV01", "Microsoft-Windows-Security-Auditing",
       "4624", "", "An account was logged on."},
      // A FortiGate-style key=value body right after the PRI: no timestamp, no tag.
      {"<189>date=2026-11-21 time=06:00:00 devname=\"FG100\" type=\"traffic\"", true, "rfc3164", 23, 5, "", 0,
       "", "", "", "", "date=2026-11-21 time=06:00:00 devname=\"FG100\" type=\"traffic\""},
      // An unknown month: no timestamp.
      {"<13>Foo 21 06:00:00 h app: x", true, "rfc3164", 1, 5, "", 0, "", "", "", "",
       "Foo 21 06:00:00 h app: x"},
      // Trailing CR LF and NUL are not part of the message.
      {"<13>Nov 21 06:00:00 h app: msg\r\n", true, "rfc3164", 1, 5, "2026-11-21T06:00:00", 0, "h", "app", "",
       "", "msg"},
      {std::string("<13>Nov 21 06:00:00 h app: nul") + '\0', true, "rfc3164", 1, 5, "2026-11-21T06:00:00", 0,
       "h", "app", "", "", "nul"},
      // A version other than 1 is not RFC 5424: read as RFC 3164.
      {"<13>2 - h a - - - v2", true, "rfc3164", 1, 5, "", 0, "", "", "", "", "2 - h a - - - v2"},
  };
  return table;
}

std::string text_of(const Batch& b, const Event& e, std::string_view name) {
  const Value* v = b.find(e, name);
  if (v == nullptr) return "<absent>";
  if (v->type() == ValueType::boolean) return v->as_boolean() ? "true" : "false";
  return std::string(v->as_string());
}

TEST(SyslogLines, TableHasAtLeastFortyLines) {
  EXPECT_GE(cases().size(), 40u);
}

TEST(SyslogLines, EveryLineGivesItsFields) {
  const timestamp::TimeZone zone;  // UTC
  EventBuilder builder(zone);
  const TimestampNs received = kNow;
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.line);
    Batch batch;
    const std::string_view raw = batch.store(c.line);
    EXPECT_EQ(builder.add(batch, raw, "192.0.2.7", received), c.ok);
    ASSERT_EQ(batch.size(), 1u);
    const Event& e = batch.events()[0];
    EXPECT_EQ(e.raw, c.line);
    EXPECT_EQ(text_of(batch, e, "syslog.peer"), "192.0.2.7");
    if (!c.ok) {
      EXPECT_EQ(text_of(batch, e, "tags._syslogparsefailure"), "true");
      std::string trimmed = c.line;
      while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r'))
        trimmed.pop_back();
      EXPECT_EQ(text_of(batch, e, "syslog.message"), trimmed);
      EXPECT_EQ(text_of(batch, e, "syslog.facility"), "<absent>");
      EXPECT_EQ(e.timestamp, received);
      continue;
    }
    EXPECT_EQ(text_of(batch, e, "tags._syslogparsefailure"), "<absent>");
    EXPECT_EQ(text_of(batch, e, "syslog.format"), c.format);
    EXPECT_EQ(text_of(batch, e, "syslog.facility"), facility_name(c.facility));
    EXPECT_EQ(text_of(batch, e, "syslog.severity"), severity_name(c.severity));
    ASSERT_NE(batch.find(e, "syslog.facility_code"), nullptr);
    EXPECT_EQ(batch.find(e, "syslog.facility_code")->as_integer(), c.facility);
    EXPECT_EQ(batch.find(e, "syslog.severity_code")->as_integer(), c.severity);
    if (c.time.empty()) {
      EXPECT_EQ(e.timestamp, received);
      EXPECT_EQ(batch.find(e, "syslog.timestamp"), nullptr);
    } else {
      EXPECT_EQ(e.timestamp, utc(c.time, c.nanos));
      ASSERT_NE(batch.find(e, "syslog.timestamp"), nullptr);
      EXPECT_EQ(batch.find(e, "syslog.timestamp")->as_timestamp(), utc(c.time, c.nanos));
    }
    auto optional_text = [](const std::string& s) { return s.empty() ? std::string("<absent>") : s; };
    EXPECT_EQ(text_of(batch, e, "syslog.hostname"), optional_text(c.hostname));
    EXPECT_EQ(text_of(batch, e, "syslog.appname"), optional_text(c.appname));
    EXPECT_EQ(text_of(batch, e, "syslog.procid"), optional_text(c.procid));
    EXPECT_EQ(text_of(batch, e, "syslog.msgid"), optional_text(c.msgid));
    EXPECT_EQ(text_of(batch, e, "syslog.sequence"), optional_text(c.sequence));
    EXPECT_EQ(text_of(batch, e, "syslog.message"), c.message);
    std::size_t sd_fields = 0;
    for (const Field& f : batch.fields(e)) {
      if (f.name.starts_with("syslog.sd.")) ++sd_fields;
    }
    EXPECT_EQ(sd_fields, c.sd.size());
    for (const auto& [name, value] : c.sd) {
      EXPECT_EQ(text_of(batch, e, "syslog.sd." + name), value) << name;
    }
  }
}

TEST(SyslogLines, RepeatedParamKeepsTheLastValue) {
  const timestamp::TimeZone zone;
  EventBuilder builder(zone);
  Batch batch;
  builder.add(batch, batch.store("<13>1 - h a - - [x@1 k=\"1\" k=\"2\"] m"), "", kNow);
  EXPECT_EQ(text_of(batch, batch.events()[0], "syslog.sd.x@1.k"), "2");
  EXPECT_EQ(text_of(batch, batch.events()[0], "syslog.peer"), "<absent>");
}

TEST(SyslogLines, ParsePriBounds) {
  Message m;
  std::string_view in = "<7>x";
  EXPECT_TRUE(parse_pri(in, m));
  EXPECT_EQ(in, "x");
  EXPECT_EQ(m.facility, 0);
  EXPECT_EQ(m.severity, 7);
  in = "<023>x";  // leading zeros are tolerated
  EXPECT_TRUE(parse_pri(in, m));
  EXPECT_EQ(m.facility, 2);
  in = "<-1>x";
  EXPECT_FALSE(parse_pri(in, m));
  EXPECT_EQ(in, "<-1>x");
}

}  // namespace
}  // namespace pyrolog::syslog
