#include "fields_transform_config.h"

#include <variant>

#include <fmt/format.h>

#include "field_template.h"
#include "tags.h"

namespace pyrolog {

std::optional<FieldType> parse_field_type(std::string_view name) {
  if (name == "integer" || name == "int") return FieldType::integer;
  if (name == "float") return FieldType::floating;
  if (name == "string") return FieldType::string;
  if (name == "boolean" || name == "bool") return FieldType::boolean;
  return std::nullopt;
}

std::optional<std::string> check_field_name(std::string_view name) {
  const bool bad_chars = std::any_of(
      name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
  if (name.empty() || name.size() > 256 || bad_chars || name.front() == '.' || name.back() == '.' ||
      name.find("..") != std::string_view::npos) {
    return fmt::format(
        "'{}' is not a field name (1 to 256 bytes, no control characters, dots only between names)", name);
  }
  return std::nullopt;
}

namespace {

std::optional<std::string> check_names(const std::map<std::string, std::string>& map, bool values_too) {
  for (const auto& [key, value] : map) {
    if (auto problem = check_field_name(key)) return problem;
    if (values_too) {
      if (auto problem = check_field_name(value)) return problem;
    }
  }
  return std::nullopt;
}

std::optional<std::string> check_templates(const std::map<std::string, std::string>& map) {
  if (auto problem = check_names(map, false)) return problem;
  for (const auto& [key, value] : map) {
    auto compiled = FieldTemplate::compile(value);
    if (auto* error = std::get_if<std::string>(&compiled)) return fmt::format("{}: {}", key, *error);
  }
  return std::nullopt;
}

}  // namespace

const config::OptionTable<FieldsTransformConfig>& FieldsTransformConfig::options() {
  static const auto table = [] {
    config::OptionTable<FieldsTransformConfig> t;
    t.add(
         "rename", &FieldsTransformConfig::rename,
         "Fields renamed, `old: new` (a `new` field that exists is replaced; a missing `old` is no failure). "
         "Renaming `message` moves the raw line into a field and empties it.")
        .example("{host: hostname}");
    t.add("add", &FieldsTransformConfig::add,
          "Fields set from a template when the event does not have them: `name: 'text {field} text'`. A "
          "template that is one reference (`'{status}'`) copies the value with its type.")
        .example("{env: production}");
    t.add("set", &FieldsTransformConfig::set,
          "Fields set from a template, replacing what is there: `name: '{host}-{status}'`. `{message}` is "
          "the raw line, `{@timestamp}` the event's time; `{{` and `}}` are literal braces.")
        .example("{service: '{host}-{app}'}");
    t.add("convert", &FieldsTransformConfig::convert,
          "Fields converted to a type: `integer` (a float is truncated), `float`, `string` or `boolean` "
          "(`true`, `false`, `yes`, `no`, `on`, `off`, `1`, `0`). A value that does not convert is kept, and "
          "the event tagged.")
        .example("{status: integer, took: float}");
    t.add("remove", &FieldsTransformConfig::remove,
          "Fields removed (`message` empties the raw line). `a.b` removes that field only, not `a.b.c`.")
        .example("[password, tmp]");
    t.add("tag_on_failure", &FieldsTransformConfig::tag_on_failure,
          "Tags set on an event with a value that does not convert, or a template that refers to a missing "
          "field (which renders as nothing).");
    t.check("rename", [](const FieldsTransformConfig& c) { return check_names(c.rename, true); });
    t.check("add", [](const FieldsTransformConfig& c) { return check_templates(c.add); });
    t.check("set", [](const FieldsTransformConfig& c) { return check_templates(c.set); });
    t.check("convert", [](const FieldsTransformConfig& c) -> std::optional<std::string> {
      if (auto problem = check_names(c.convert, false)) return problem;
      for (const auto& [name, type] : c.convert) {
        if (!parse_field_type(type)) {
          return fmt::format("{}: unknown type '{}' (expected integer, float, string or boolean)", name,
                             type);
        }
      }
      return std::nullopt;
    });
    t.check("remove", [](const FieldsTransformConfig& c) -> std::optional<std::string> {
      for (const auto& name : c.remove) {
        if (auto problem = check_field_name(name)) return problem;
      }
      return std::nullopt;
    });
    t.check("tag_on_failure",
            [](const FieldsTransformConfig& c) { return check_tag_names(c.tag_on_failure); });
    return t;
  }();
  return table;
}

}  // namespace pyrolog
