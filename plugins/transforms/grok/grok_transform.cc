#include "grok_transform.h"

#include <algorithm>

#include <fmt/format.h>

#include "event/field_names.h"
#include "expr/event_fields.h"
#include "expr/value_text.h"
#include "grok_capture_value.h"
#include "grok_field_name.h"
#include "grok_setup.h"
#include "plugin/plugin_registry.h"
#include "source_text.h"

namespace pyrolog {

namespace {

GrokSetup checked_setup(const GrokTransformConfig& config) {
  GrokSetup setup = grok_setup(config);
  if (!setup.errors.empty()) throw ComponentConfigError(fmt::format("{}", fmt::join(setup.errors, "; ")));
  return setup;
}

// The dotted form of each `overwrite` entry (`[http][status]` is `http.status`).
std::vector<std::string> normalized(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const auto& name : names) {
    auto n = grok::normalize_field_name(name);
    out.push_back(n.ok() ? n.name : name);
  }
  return out;
}

}  // namespace

GrokTransform::GrokTransform(const GrokTransformConfig& config)
    : GrokTransform(config, checked_setup(config)) {}

GrokTransform::GrokTransform(const GrokTransformConfig& config, GrokSetup setup)
    : matcher_(std::move(setup.matcher)),
      field_(FieldNames::intern(config.field)),
      field_is_message_(config.field == kMessageField),
      failure_tags_(config.tag_on_failure),
      limit_tags_(config.tag_on_limit),
      scratch_([options = setup.scratch_options] { return std::make_unique<grok::MatchScratch>(options); }),
      metrics_(config.component_name, "grok"),
      matched_(metrics_.outcome("matched")),
      no_match_(metrics_.outcome("no_match")),
      limit_exceeded_(metrics_.outcome("limit_exceeded")),
      missing_field_(metrics_.outcome("missing_field")),
      error_(metrics_.outcome("error")),
      conversion_failed_(metrics_.outcome("conversion_failed")) {
  const std::vector<std::string> overwrite = normalized(config.overwrite);
  for (std::size_t i = 0; i < matcher_.size(); ++i) {
    const grok::GrokProgram& program = matcher_[i].program();
    PatternFields f;
    for (const std::string& name : program.fields()) {
      FieldSlot slot;
      slot.name = FieldNames::intern(name);
      slot.overwrite = std::find(overwrite.begin(), overwrite.end(), name) != overwrite.end();
      slot.is_message = name == kMessageField;
      f.has_message = f.has_message || slot.is_message;
      f.slots.push_back(slot);
    }
    f.repeated = program.groups().size() > program.fields().size();
    max_fields_ = std::max(max_fields_, f.slots.size());
    fields_.push_back(std::move(f));
  }
}

bool GrokTransform::disjoint_from_pattern(std::span<const Field> existing, const PatternFields& f,
                                          ExistingNames& kept) {
  // Within one batch a name's bytes stay where they are, so the same address and size is the same name.
  const bool fits = existing.size() <= kept.names.size();
  if (fits && kept.pattern == &f && kept.count == existing.size()) {
    bool same = true;
    for (std::size_t i = 0; i < existing.size() && same; ++i) {
      same =
          existing[i].name.data() == kept.names[i].data() && existing[i].name.size() == kept.names[i].size();
    }
    if (same) return kept.disjoint;
  }
  bool disjoint = true;
  for (const Field& field : existing) {
    for (const FieldSlot& slot : f.slots)
      disjoint = disjoint && slot.name != field.name;
  }
  if (fits) {
    kept.pattern = &f;
    kept.count = existing.size();
    for (std::size_t i = 0; i < existing.size(); ++i)
      kept.names[i] = existing[i].name;
    kept.disjoint = disjoint;
  }
  return disjoint;
}

void GrokTransform::apply(Batch& batch, Event& event, std::size_t pattern,
                          std::span<const grok::Capture> captures, Tally& t, ExistingNames& kept) {
  const PatternFields& f = fields_[pattern];
  const std::uint32_t existing = event.field_count;  // fields the event had before this match
  if (!f.repeated && !f.has_message &&
      (existing == 0 || disjoint_from_pattern(batch.fields(event).first(existing), f, kept))) {
    // The common case (a line parsed for the first time, with at most the source's own fields): every
    // capture is a new field.
    for (const grok::Capture& c : captures) {
      bool converted = true;
      const Value value = grok_capture_value_fast(c, converted);
      if (!converted) ++t.conversion_failed;
      batch.append(event, f.slots[c.field_index].name, value);
    }
    return;
  }
  for (const grok::Capture& c : captures) {
    bool converted = true;
    const Value value = grok_capture_value_fast(c, converted);
    if (!converted) ++t.conversion_failed;
    const FieldSlot& slot = f.slots[c.field_index];
    if (slot.is_message) {
      if (slot.overwrite) write_field(batch, event, slot.name, value);
      continue;
    }
    if (existing > 0 && !slot.overwrite) {
      // Only fields set before this match count as existing: look among the first `existing`.
      bool exists = false;
      for (const Field& field : batch.fields(event).first(existing)) {
        if (field.name == slot.name) {
          exists = true;
          break;
        }
      }
      if (exists) continue;
    }
    if (f.repeated || (existing > 0 && slot.overwrite)) {
      batch.set(event, slot.name, value);
    } else {
      batch.append(event, slot.name, value);
    }
  }
}

void GrokTransform::transform(Batch& batch) {
  auto scratch = scratch_.lease();
  // Room for every match's fields, and for the fields events already have (from the source), which move to
  // the end of the pool before the first one is added.
  batch.reserve_fields(batch.size() * max_fields_ + batch.pooled_fields());
  Tally t;
  ExistingNames kept;
  for (Event& event : batch.events()) {
    std::string_view text;
    if (field_is_message_) {
      text = event.raw;
    } else if (auto found = source_text(batch, event, field_)) {
      text = *found;
    } else {
      ++t.missing_field;
      failure_tags_.apply(batch, event);
      continue;
    }
    const grok::MultiMatchResult r = matcher_.match(text, *scratch);
    switch (r.result.status) {
      case grok::MatchStatus::kMatched:
        ++t.matched;
        apply(batch, event, r.pattern_index, r.result.captures, t, kept);
        break;
      case grok::MatchStatus::kNoMatch:
        ++t.no_match;
        failure_tags_.apply(batch, event);
        break;
      case grok::MatchStatus::kLimitExceeded:
        ++t.limit_exceeded;
        failure_tags_.apply(batch, event);
        limit_tags_.apply(batch, event);
        break;
      case grok::MatchStatus::kError:
        ++t.error;
        failure_tags_.apply(batch, event);
        break;
    }
  }
  if (t.matched != 0) matched_.add(t.matched);
  if (t.no_match != 0) no_match_.add(t.no_match);
  if (t.limit_exceeded != 0) limit_exceeded_.add(t.limit_exceeded);
  if (t.missing_field != 0) missing_field_.add(t.missing_field);
  if (t.error != 0) error_.add(t.error);
  if (t.conversion_failed != 0) conversion_failed_.add(t.conversion_failed);
}

namespace {
[[maybe_unused]] const bool registered = register_transform<GrokTransformConfig, GrokTransform>(
    "grok", "Parses a field into fields with grok patterns (named, reusable regular expressions).",
    "Patterns come from the built-in library (see docs/grok.md for its 140 patterns), from `patterns_dir` "
    "and from `pattern_definitions`, later ones replacing earlier ones of the same name. The `match` "
    "patterns are tried in order and the first that matches wins. String captures are views of the matched "
    "text; `:int` and `:float` captures are numbers. An event that no pattern matches is kept, tagged "
    "(`tags._grokparsefailure: true` by default) and counted in "
    "`pyrolog_transform_events_total{outcome=\"no_match\"}`; a match that runs out of its limits counts as "
    "`limit_exceeded` and is tagged `_groklimitexceeded` too. A pattern that references an undefined "
    "pattern, a cycle of references or an invalid regex is a configuration error, naming the pattern and "
    "the offset in it. Try patterns on sample lines with `pyrolog grok`.");
}  // namespace

}  // namespace pyrolog
