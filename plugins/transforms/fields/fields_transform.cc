#include "fields_transform.h"

#include <algorithm>
#include <variant>

#include <fmt/format.h>

#include "event/field_names.h"
#include "expr/event_fields.h"
#include "plugin/plugin_registry.h"
#include "value_conversion.h"

namespace pyrolog {

namespace {

std::vector<std::pair<std::string_view, FieldTemplate>> compile_all(
    const std::map<std::string, std::string>& map, std::string_view option) {
  std::vector<std::pair<std::string_view, FieldTemplate>> out;
  for (const auto& [name, text] : map) {
    if (auto problem = check_field_name(name))
      throw ComponentConfigError(fmt::format("{}: {}", option, *problem));
    auto compiled = FieldTemplate::compile(text);
    if (auto* error = std::get_if<std::string>(&compiled)) {
      throw ComponentConfigError(fmt::format("{}.{}: {}", option, name, *error));
    }
    out.emplace_back(FieldNames::intern(name), std::get<FieldTemplate>(std::move(compiled)));
  }
  return out;
}

}  // namespace

FieldsTransform::FieldsTransform(const FieldsTransformConfig& config)
    : tags_(config.tag_on_failure),
      metrics_(config.component_name, "fields"),
      conversion_failed_(metrics_.outcome("conversion_failed")),
      template_missing_field_(metrics_.outcome("template_missing_field")) {
  for (const auto& [from, to] : config.rename) {
    if (auto problem = check_field_name(to)) throw ComponentConfigError("rename: " + *problem);
    rename_.emplace_back(FieldNames::intern(from), FieldNames::intern(to));
  }
  for (auto& [name, t] : compile_all(config.add, "add"))
    add_.push_back(Templated{name, std::move(t)});
  for (auto& [name, t] : compile_all(config.set, "set"))
    set_.push_back(Templated{name, std::move(t)});
  for (const auto& [name, type] : config.convert) {
    auto parsed = parse_field_type(type);
    if (!parsed) throw ComponentConfigError(fmt::format("convert.{}: unknown type '{}'", name, type));
    convert_.emplace_back(FieldNames::intern(name), *parsed);
  }
  for (const auto& name : config.remove)
    remove_.push_back(FieldNames::intern(name));
}

void FieldsTransform::rename(Batch& batch, Event& event, std::string_view from, std::string_view to) {
  if (from == to) return;
  if (from == kMessageField || to == kMessageField) {
    const std::optional<Value> v = read_field(batch, event, from);
    if (!v) return;
    remove_field(batch, event, from);
    write_field(batch, event, to, *v);
    return;
  }
  // In place: the field keeps its slot and only its name changes (no copy of the event's fields).
  auto fields = batch.fields(event);
  auto named = [&](std::string_view name) {
    return std::find_if(fields.begin(), fields.end(), [&](const Field& f) { return f.name == name; });
  };
  const auto source = named(from);
  if (source == fields.end()) return;
  if (const auto target = named(to); target != fields.end()) {
    target->value = source->value;
    batch.remove(event, from);
  } else {
    source->name = to;
  }
}

void FieldsTransform::transform(Batch& batch) {
  std::uint64_t conversion_failed = 0, missing = 0;
  std::string scratch;
  for (Event& event : batch.events()) {
    bool failed = false;
    for (const auto& [from, to] : rename_)
      rename(batch, event, from, to);
    for (const Templated& t : add_) {
      if (read_field(batch, event, t.name)) continue;
      bool absent = false;
      const Value v = t.value.render(batch, event, scratch, absent);
      if (absent) {
        ++missing;
        failed = true;
        if (t.value.single_reference()) continue;  // nothing to copy
      }
      write_field(batch, event, t.name, v);
    }
    for (const Templated& t : set_) {
      bool absent = false;
      const Value v = t.value.render(batch, event, scratch, absent);
      if (absent) {
        ++missing;
        failed = true;
        if (t.value.single_reference()) continue;  // nothing to copy: the field is left as it was
      }
      write_field(batch, event, t.name, v);
    }
    for (const auto& [name, type] : convert_) {
      const std::optional<Value> v = read_field(batch, event, name);
      if (!v) continue;
      if (auto converted = convert_value(*v, type, batch)) {
        write_field(batch, event, name, *converted);
      } else {
        ++conversion_failed;
        failed = true;
      }
    }
    for (std::string_view name : remove_)
      remove_field(batch, event, name);
    if (failed) tags_.apply(batch, event);
  }
  if (conversion_failed != 0) conversion_failed_.add(conversion_failed);
  if (missing != 0) template_missing_field_.add(missing);
}

namespace {
[[maybe_unused]] const bool registered = register_transform<FieldsTransformConfig, FieldsTransform>(
    "fields", "Renames, adds, sets from templates, converts and removes fields.",
    "The operations run in the order `rename`, `add`, `set`, `convert`, `remove`, each over its fields in "
    "name order. Templates such as `'{host}-{status}'` refer to fields in braces. A value that does not "
    "convert, or a template that refers to a missing field, tags the event (`tags._fieldsfailure: true` by "
    "default) and is counted in `pyrolog_transform_events_total` by outcome; the event is kept.");
}  // namespace

}  // namespace pyrolog
