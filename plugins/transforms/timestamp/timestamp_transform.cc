#include "timestamp_transform.h"

#include <chrono>
#include <variant>

#include <fmt/format.h>

#include "event/field_names.h"
#include "expr/event_fields.h"
#include "plugin/plugin_registry.h"
#include "source_text.h"

namespace pyrolog {

namespace {

std::vector<timestamp::TimeFormat> compile_formats(const std::vector<std::string>& formats) {
  std::vector<timestamp::TimeFormat> out;
  for (const auto& f : formats) {
    auto compiled = timestamp::TimeFormat::compile(f);
    if (auto* error = std::get_if<std::string>(&compiled)) throw ComponentConfigError("formats: " + *error);
    out.push_back(std::get<timestamp::TimeFormat>(std::move(compiled)));
  }
  if (out.empty()) throw ComponentConfigError("formats: needs at least one format");
  return out;
}

timestamp::TimeZone find_zone(const std::string& name) {
  std::string error;
  auto zone = timestamp::TimeZone::find(name, error);
  if (!zone) throw ComponentConfigError(fmt::format("timezone: '{}': {}", name, error));
  return *zone;
}

}  // namespace

TimestampTransform::TimestampTransform(const TimestampTransformConfig& config)
    : field_(FieldNames::intern(config.field)),
      target_(FieldNames::intern(config.target)),
      remove_field_(config.remove_field),
      formats_(compile_formats(config.formats)),
      zone_(find_zone(config.timezone)),
      tags_(config.tag_on_failure),
      metrics_(config.component_name, "timestamp"),
      parsed_(metrics_.outcome("parsed")),
      missing_field_(metrics_.outcome("missing_field")),
      unparseable_(metrics_.outcome("unparseable")) {}

void TimestampTransform::transform(Batch& batch) {
  const TimestampNs now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
  std::uint64_t parsed = 0, missing = 0, unparseable = 0;
  timestamp::ParsedTime p;
  for (Event& event : batch.events()) {
    const std::optional<Value> source = read_field(batch, event, field_);
    if (!source || source->is_null()) {
      ++missing;
      tags_.apply(batch, event);
      continue;
    }
    std::optional<TimestampNs> time;
    if (source->type() == ValueType::timestamp) {
      time = source->as_timestamp();
    } else if (source->type() == ValueType::integer || source->type() == ValueType::floating) {
      for (const auto& format : formats_) {
        if ((time = format.from_number(*source))) break;
      }
    }
    if (!time && source->type() != ValueType::timestamp) {
      const auto text = source_text(batch, event, field_);
      for (const auto& format : formats_) {
        if (format.parse(*text, p)) {
          time = timestamp::resolve_time(p, zone_, now);
          if (time) break;
        }
      }
    }
    if (!time) {
      ++unparseable;
      tags_.apply(batch, event);
      continue;
    }
    ++parsed;
    if (target_.empty()) {
      event.timestamp = *time;
    } else {
      write_field(batch, event, target_, Value::timestamp(*time));
    }
    if (remove_field_ && field_ != target_) remove_field(batch, event, field_);
  }
  if (parsed != 0) parsed_.add(parsed);
  if (missing != 0) missing_field_.add(missing);
  if (unparseable != 0) unparseable_.add(unparseable);
}

namespace {
[[maybe_unused]] const bool registered = register_transform<TimestampTransformConfig, TimestampTransform>(
    "timestamp",
    "Reads a time from a field, with strptime-style or named formats, and sets the event's time.",
    "Formats are tried in order. Fractions of a second (`%f`) keep up to nanoseconds; an offset in the text "
    "(`%z`, `%Z`, ISO 8601) wins over `timezone`; a format without a year (syslog) takes the current year, "
    "or the previous one for a time more than a day ahead. A time that no format reads leaves the event's "
    "time as it was, and the event is tagged (`tags._timestampparsefailure: true` by default) and counted "
    "in `pyrolog_transform_events_total{outcome=\"unparseable\"}`.");
}  // namespace

}  // namespace pyrolog
