#include "syslog_event.h"

#include "syslog_parser.h"

namespace pyrolog::syslog {

bool EventBuilder::add(Batch& batch, std::string_view frame, std::string_view peer, TimestampNs received) {
  const TimeContext ctx{&zone_, received};
  const bool ok = parse_syslog(frame, ctx, message_);
  const Message& m = message_;
  Event& event = batch.add_event(m.timestamp.value_or(received), frame);
  batch.reserve_fields(12 + m.sd.size() + m.sd_empty.size());
  auto text = [&](std::string_view name, std::string_view value) {
    if (!value.empty()) batch.append(event, name, Value::string(value));
  };
  if (ok) {
    batch.append(event, "syslog.format", Value::string(m.format == Format::rfc5424 ? "rfc5424" : "rfc3164"));
    batch.append(event, "syslog.facility", Value::string(facility_name(m.facility)));
    batch.append(event, "syslog.facility_code", Value::integer(m.facility));
    batch.append(event, "syslog.severity", Value::string(severity_name(m.severity)));
    batch.append(event, "syslog.severity_code", Value::integer(m.severity));
    if (m.version > 0) batch.append(event, "syslog.version", Value::integer(m.version));
    if (m.timestamp) batch.append(event, "syslog.timestamp", Value::timestamp(*m.timestamp));
    text("syslog.hostname", m.hostname);
    text("syslog.appname", m.appname);
    text("syslog.procid", m.procid);
    text("syslog.msgid", m.msgid);
    text("syslog.sequence", m.sequence);
    for (const auto& p : m.sd) {
      name_.assign("syslog.sd.").append(p.id).append(".").append(p.name);
      const std::string_view value = p.escaped ? batch.store(unescape_sd_value(p.value)) : p.value;
      batch.set(event, batch.store(name_), Value::string(value));
    }
    for (const auto& id : m.sd_empty) {
      name_.assign("syslog.sd.").append(id);
      batch.set(event, batch.store(name_), Value::boolean(true));
    }
  } else {
    batch.append(event, "tags._syslogparsefailure", Value::boolean(true));
  }
  batch.append(event, "syslog.message", Value::string(m.message));
  text("syslog.peer", peer);
  return ok;
}

}  // namespace pyrolog::syslog
