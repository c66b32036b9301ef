#include "json_transform_config.h"

#include "tags.h"

namespace pyrolog {

const config::OptionTable<JsonTransformConfig>& JsonTransformConfig::options() {
  static const auto table = [] {
    config::OptionTable<JsonTransformConfig> t;
    t.add("field", &JsonTransformConfig::field, "Field holding the JSON text; `message` is the raw line.");
    t.add(
         "target", &JsonTransformConfig::target,
         "Field the parsed members go under (`target: http` gives `http.status`); empty: the top level, "
         "where a member named `message` replaces the raw line. A text that is not an object (`[1,2]`, `42`) "
         "needs a target, and is set as its value.")
        .example("parsed");
    t.add("max_depth", &JsonTransformConfig::max_depth,
          "Deepest nesting of objects and arrays accepted; a deeper text is not parsed, and the event is "
          "tagged.")
        .range(1, 1000);
    t.add("max_bytes", &JsonTransformConfig::max_bytes,
          "Longest text parsed; a longer one is not parsed, and the event is tagged.")
        .range(2, 1024.0 * 1024 * 1024);
    t.add(
         "max_fields", &JsonTransformConfig::max_fields,
         "Most fields one text may produce (an array counts as one); a text with more is not parsed, and the "
         "event is tagged.")
        .range(1, 1'000'000);
    t.add("tag_on_failure", &JsonTransformConfig::tag_on_failure,
          "Tags set on an event whose text is missing, not valid JSON (including invalid UTF-8), too large, "
          "too deep, has too many fields, or is not an object without a `target`. The event is kept as it "
          "was.");
    t.check("tag_on_failure", [](const JsonTransformConfig& c) { return check_tag_names(c.tag_on_failure); });
    t.check("field", [](const JsonTransformConfig& c) -> std::optional<std::string> {
      if (c.field.empty()) return "must not be empty";
      return std::nullopt;
    });
    return t;
  }();
  return table;
}

}  // namespace pyrolog
