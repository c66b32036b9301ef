#include "kv_transform_config.h"

#include <algorithm>

#include "tags.h"

namespace pyrolog {

const config::OptionTable<KvTransformConfig>& KvTransformConfig::options() {
  static const auto table = [] {
    config::OptionTable<KvTransformConfig> t;
    t.add("field", &KvTransformConfig::field, "Field holding the pairs; `message` is the raw line.");
    t.add("field_split", &KvTransformConfig::field_split,
          "Characters that separate pairs: any one of them (a run of them counts as one).")
        .example("' ,'");
    t.add("value_split", &KvTransformConfig::value_split,
          "Characters that separate a key from its value: the first one in a pair.")
        .example("'=:'");
    t.add("quotes", &KvTransformConfig::quotes,
          "Characters that may quote a value (`msg=\"a b\"`); inside, a backslash escapes the quote or "
          "itself. Empty: values are never quoted.");
    t.add("target", &KvTransformConfig::target,
          "Field the pairs go under (`target: kv` gives `kv.user`); empty: the top level.");
    t.add("prefix", &KvTransformConfig::prefix, "Text put before every key (`prefix: kv_` gives `kv_user`).");
    t.add("include_keys", &KvTransformConfig::include_keys, "Only these keys are kept; empty: every key.");
    t.add("exclude_keys", &KvTransformConfig::exclude_keys, "These keys are left out.");
    t.add("allow_empty_values", &KvTransformConfig::allow_empty_values,
          "Keep pairs with an empty value (`key=`) as empty strings; by default they are left out.");
    t.add("max_pairs", &KvTransformConfig::max_pairs,
          "Most pairs taken from one event; the rest are left out, and the event is tagged.")
        .range(1, 100'000);
    t.add("tag_on_failure", &KvTransformConfig::tag_on_failure,
          "Tags set on an event whose field is missing, that has an unterminated quote, a key that cannot "
          "be a field name (empty, invalid UTF-8, control characters) or more than `max_pairs` pairs. The "
          "pairs that could be read are kept.");
    t.check("tag_on_failure", [](const KvTransformConfig& c) { return check_tag_names(c.tag_on_failure); });
    t.check("field", [](const KvTransformConfig& c) -> std::optional<std::string> {
      if (c.field.empty()) return "must not be empty";
      return std::nullopt;
    });
    t.check("field_split", [](const KvTransformConfig& c) -> std::optional<std::string> {
      if (c.field_split.empty()) return "needs at least one character";
      return std::nullopt;
    });
    t.check("value_split", [](const KvTransformConfig& c) -> std::optional<std::string> {
      if (c.value_split.empty()) return "needs at least one character";
      for (char ch : c.value_split) {
        if (c.field_split.find(ch) != std::string::npos) {
          return fmt::format("'{}' is in both field_split and value_split", ch);
        }
      }
      return std::nullopt;
    });
    return t;
  }();
  return table;
}

}  // namespace pyrolog
