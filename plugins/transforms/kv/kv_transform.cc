#include "kv_transform.h"

#include "event/field_names.h"
#include "expr/event_fields.h"
#include "plugin/plugin_registry.h"
#include "source_text.h"

namespace pyrolog {

KvTransform::KvTransform(const KvTransformConfig& config)
    : config_(config),
      field_(FieldNames::intern(config.field)),
      name_prefix_((config.target.empty() ? "" : config.target + ".") + config.prefix),
      include_(config.include_keys.begin(), config.include_keys.end()),
      exclude_(config.exclude_keys.begin(), config.exclude_keys.end()),
      tags_(config.tag_on_failure),
      scratch_([c = config] {
        return std::make_unique<Scratch>(Scratch{KvParser(c.field_split, c.value_split, c.quotes), {}});
      }),
      metrics_(config.component_name, "kv"),
      parsed_(metrics_.outcome("parsed")),
      pairs_(metrics_.outcome("pairs")),
      no_pairs_(metrics_.outcome("no_pairs")),
      missing_field_(metrics_.outcome("missing_field")),
      unterminated_quote_(metrics_.outcome("unterminated_quote")),
      invalid_key_(metrics_.outcome("invalid_key")),
      too_many_pairs_(metrics_.outcome("too_many_pairs")) {}

void KvTransform::transform(Batch& batch) {
  auto scratch = scratch_.lease();
  KvParser& parser = scratch->parser;
  std::string& name = scratch->name;
  std::uint64_t parsed = 0, pairs = 0, no_pairs = 0, missing = 0, unterminated = 0, invalid_key = 0,
                too_many = 0;
  for (Event& event : batch.events()) {
    const auto text = source_text(batch, event, field_);
    if (!text) {
      ++missing;
      tags_.apply(batch, event);
      continue;
    }
    parser.reset(*text);
    KvParser::Pair pair;
    std::uint32_t taken = 0;
    bool failed = false;
    while (true) {
      const KvParser::Status status = parser.next(pair);
      if (status == KvParser::Status::end) break;
      if (status == KvParser::Status::unterminated_quote) {
        ++unterminated;
        failed = true;
        break;
      }
      if (!valid_kv_key(pair.key)) {
        ++invalid_key;
        failed = true;
        continue;
      }
      if (pair.value.empty() && !config_.allow_empty_values) continue;
      if (!include_.empty() && !include_.contains(pair.key)) continue;
      if (exclude_.contains(pair.key)) continue;
      if (taken == config_.max_pairs) {
        ++too_many;
        failed = true;
        break;
      }
      ++taken;
      name.assign(name_prefix_);
      name.append(pair.key);
      const std::string_view value = pair.escaped ? batch.store(pair.value) : pair.value;
      write_field(batch, event, batch.store(name), Value::string(value));
    }
    pairs += taken;
    if (taken > 0) {
      ++parsed;
    } else if (!failed) {
      ++no_pairs;
    }
    if (failed) tags_.apply(batch, event);
  }
  if (parsed != 0) parsed_.add(parsed);
  if (pairs != 0) pairs_.add(pairs);
  if (no_pairs != 0) no_pairs_.add(no_pairs);
  if (missing != 0) missing_field_.add(missing);
  if (unterminated != 0) unterminated_quote_.add(unterminated);
  if (invalid_key != 0) invalid_key_.add(invalid_key);
  if (too_many != 0) too_many_pairs_.add(too_many);
}

namespace {
[[maybe_unused]] const bool registered = register_transform<KvTransformConfig, KvTransform>(
    "kv", "Parses key=value pairs in a field into string fields.",
    "With the defaults, `user=alice action=\"log in\" took=12` gives `user: alice`, `action: log in` and "
    "`took: \"12\"` (values are strings; convert them with the `fields` transform). Words without a "
    "separator are skipped; a later pair with the same key replaces an earlier one; a key equal to an "
    "existing field replaces it. Bad input is tagged (`tags._kvparsefailure: true` by default) and counted "
    "in `pyrolog_transform_events_total` by outcome, and the pairs that could be read are kept.");
}  // namespace

}  // namespace pyrolog
