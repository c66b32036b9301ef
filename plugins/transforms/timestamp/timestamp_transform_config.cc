#include "timestamp_transform_config.h"

#include <variant>

#include <fmt/format.h>

#include "tags.h"
#include "time_format.h"
#include "time_zone.h"

namespace pyrolog {

const config::OptionTable<TimestampTransformConfig>& TimestampTransformConfig::options() {
  static const auto table = [] {
    config::OptionTable<TimestampTransformConfig> t;
    t.add("field", &TimestampTransformConfig::field, "Field holding the time; `message` is the raw line.");
    t.add("formats", &TimestampTransformConfig::formats,
          "Formats tried in order, the first that reads the whole text wins: strptime-style "
          "(`%d/%b/%Y:%H:%M:%S %z`, `%b %e %H:%M:%S`, `%Y-%m-%d %H:%M:%S,%f`), or `ISO8601` (also "
          "`RFC3339`), `UNIX`, `UNIX_MS`, `UNIX_US`, `UNIX_NS`. See docs/transforms.md for every directive.")
        .required()
        .example("['%d/%b/%Y:%H:%M:%S %z', ISO8601]");
    t.add("timezone", &TimestampTransformConfig::timezone,
          "Time zone of times written without an offset: `UTC`, an offset (`+02:00`), or a zone name of the "
          "system's time zone database (`Europe/Berlin`), with its daylight saving time.");
    t.add("target", &TimestampTransformConfig::target,
          "Field set to the time (a timestamp value); empty: the event's own time, which the JSON output "
          "writes as `timestamp`.");
    t.add("remove_field", &TimestampTransformConfig::remove_field,
          "Remove `field` once its time is read (it stays when it cannot be read).");
    t.add("tag_on_failure", &TimestampTransformConfig::tag_on_failure,
          "Tags set on an event whose field is missing or fits none of the formats; its time is left as it "
          "was.");
    t.check("formats", [](const TimestampTransformConfig& c) -> std::optional<std::string> {
      if (c.formats.empty()) return "needs at least one format";
      for (const auto& f : c.formats) {
        auto compiled = timestamp::TimeFormat::compile(f);
        if (auto* error = std::get_if<std::string>(&compiled)) return *error;
      }
      return std::nullopt;
    });
    t.check("timezone", [](const TimestampTransformConfig& c) -> std::optional<std::string> {
      std::string error;
      if (timestamp::TimeZone::find(c.timezone, error)) return std::nullopt;
      return fmt::format("'{}': {}", c.timezone, error);
    });
    t.check("tag_on_failure",
            [](const TimestampTransformConfig& c) { return check_tag_names(c.tag_on_failure); });
    t.check("field", [](const TimestampTransformConfig& c) -> std::optional<std::string> {
      if (c.field.empty()) return "must not be empty";
      return std::nullopt;
    });
    return t;
  }();
  return table;
}

}  // namespace pyrolog
