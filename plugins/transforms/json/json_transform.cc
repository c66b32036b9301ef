#include "json_transform.h"

#include "event/field_names.h"
#include "expr/event_fields.h"
#include "plugin/plugin_registry.h"
#include "source_text.h"

namespace pyrolog {

JsonTransform::JsonTransform(const JsonTransformConfig& config)
    : config_(config),
      field_(FieldNames::intern(config.field)),
      target_(FieldNames::intern(config.target)),
      tags_(config.tag_on_failure),
      builders_([max_depth = config.max_depth, max_fields = config.max_fields] {
        return std::make_unique<JsonFieldBuilder>(max_depth, max_fields);
      }),
      metrics_(config.component_name, "json"),
      parsed_(metrics_.outcome("parsed")),
      missing_field_(metrics_.outcome("missing_field")),
      too_large_(metrics_.outcome("too_large")),
      invalid_(metrics_.outcome("invalid")),
      too_deep_(metrics_.outcome("too_deep")),
      too_many_fields_(metrics_.outcome("too_many_fields")),
      not_object_(metrics_.outcome("not_object")) {}

void JsonTransform::transform(Batch& batch) {
  auto builder = builders_.lease();
  std::uint64_t parsed = 0, missing = 0, too_large = 0, invalid = 0, too_deep = 0, too_many = 0,
                not_object = 0;
  for (Event& event : batch.events()) {
    const auto text = source_text(batch, event, field_);
    if (!text) {
      ++missing;
      tags_.apply(batch, event);
      continue;
    }
    if (text->size() > config_.max_bytes.bytes) {
      ++too_large;
      tags_.apply(batch, event);
      continue;
    }
    JsonProblem problem = builder->parse(batch, *text, target_);
    if (problem == JsonProblem::none && !builder->top_is_object() && target_.empty()) {
      problem = JsonProblem::not_object;
    }
    switch (problem) {
      case JsonProblem::none:
        break;
      case JsonProblem::invalid:
        ++invalid;
        break;
      case JsonProblem::too_deep:
        ++too_deep;
        break;
      case JsonProblem::too_many_fields:
        ++too_many;
        break;
      case JsonProblem::not_object:
        ++not_object;
        break;
    }
    if (problem != JsonProblem::none) {
      tags_.apply(batch, event);
      continue;
    }
    ++parsed;
    if (builder->top_is_object()) {
      for (const auto& [name, value] : builder->fields())
        write_field(batch, event, name, value);
    } else {
      write_field(batch, event, target_, builder->top_value());
    }
  }
  if (parsed != 0) parsed_.add(parsed);
  if (missing != 0) missing_field_.add(missing);
  if (too_large != 0) too_large_.add(too_large);
  if (invalid != 0) invalid_.add(invalid);
  if (too_deep != 0) too_deep_.add(too_deep);
  if (too_many != 0) too_many_fields_.add(too_many);
  if (not_object != 0) not_object_.add(not_object);
}

namespace {
[[maybe_unused]] const bool registered = register_transform<JsonTransformConfig, JsonTransform>(
    "json", "Parses a field holding JSON into fields, with limits on size, depth and field count.",
    "Object members become fields named by their dotted path (`{\"http\":{\"status\":200}}` gives "
    "`http.status: 200`), under `target` when it is set; numbers, booleans and null keep their type, and an "
    "array becomes its JSON text. A member that names an existing field replaces it. Nothing is set unless "
    "the whole text parses: malformed JSON, invalid UTF-8, a text over `max_bytes`, nesting deeper than "
    "`max_depth` or more than `max_fields` fields leave the event as it was, tagged "
    "(`tags._jsonparsefailure: true` by default) and counted in `pyrolog_transform_events_total` by "
    "outcome.");
}  // namespace

}  // namespace pyrolog
