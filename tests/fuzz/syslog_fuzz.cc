// libFuzzer target for the syslog source's parsers (RFC 5424, RFC 3164) and its stream framer.
//
// Input layout: the first byte picks what is fuzzed, the rest is the data
//   0: a syslog line: parse_syslog (UTC and a fixed +05:30 zone), then the event builder into a batch
//   1: a stream for the framer; byte 1: framing (mod 3), overlong mode (bit 2), NUL delimiter (bit 3);
//      byte 2: log2 of max_message_bytes (mod 16, at least 16 bytes); byte 3: the piece size the stream is
//      fed in (0: whole); every frame is then parsed as a line
//
// Build: configure with CMAKE_CXX_COMPILER=clang++ and -DPYROLOG_FUZZ=ON, then
//   ./syslog_fuzz -max_total_time=600 corpus_dir <source>/tests/fuzz/corpus/syslog

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "event/batch.h"
#include "syslog_event.h"
#include "syslog_framer.h"
#include "syslog_parser.h"
#include "time_zone.h"

namespace {

using namespace pyrolog;

void check(bool condition) {
  if (!condition) std::abort();
}

bool inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

constexpr TimestampNs kNow = 1'795'000'000'000'000'000;  // 2026-11-18

void parse_line(std::string_view line) {
  static const timestamp::TimeZone utc;
  static const timestamp::TimeZone india = timestamp::TimeZone::fixed(5 * 3600 + 1800);
  for (const auto* zone : {&utc, &india}) {
    syslog::Message m;
    const bool ok = syslog::parse_syslog(line, syslog::TimeContext{zone, kNow}, m);
    check(inside(m.message, line) && inside(m.hostname, line) && inside(m.appname, line) &&
          inside(m.procid, line) && inside(m.msgid, line) && inside(m.sequence, line));
    if (ok) {
      check(m.facility >= 0 && m.facility < 24 && m.severity >= 0 && m.severity < 8);
      for (const auto& p : m.sd) {
        check(inside(p.id, line) && inside(p.name, line) && inside(p.value, line));
        check(syslog::unescape_sd_value(p.value).size() <= p.value.size());
      }
    } else {
      check(m.format == syslog::Format::none);
    }
  }
  Batch batch;
  syslog::EventBuilder builder(utc);
  builder.add(batch, batch.store(line), "192.0.2.1", kNow);
  check(batch.size() == 1);
}

void frame_stream(std::string_view data) {
  if (data.size() < 3) return;
  syslog::FramerOptions o;
  o.framing = static_cast<syslog::Framing>(static_cast<unsigned char>(data[0]) % 3);
  o.overlong = (data[0] & 4) != 0 ? syslog::Overlong::drop : syslog::Overlong::truncate;
  o.nul_delimiter = (data[0] & 8) != 0;
  o.max_message_bytes = std::size_t{16} << (static_cast<unsigned char>(data[1]) % 16);
  const std::size_t piece = static_cast<unsigned char>(data[2]);
  data.remove_prefix(3);
  syslog::Framer framer(o);
  auto on_frame = [&](std::string_view frame) {
    check(!frame.empty() && frame.size() <= o.max_message_bytes);
    parse_line(frame);
  };
  if (piece == 0) {
    framer.feed(data, on_frame);
  } else {
    for (std::size_t i = 0; i < data.size(); i += piece) {
      framer.feed(data.substr(i, piece), on_frame);
      check(framer.pending_bytes() <= o.max_message_bytes);
    }
  }
  framer.finish(on_frame);
  check(framer.pending_bytes() == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    parse_line(input);
  } else {
    frame_stream(input);
  }
  return 0;
}
