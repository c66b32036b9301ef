#include "grok_transform_config.h"

#include <fmt/format.h>

#include "grok_library.h"
#include "grok_setup.h"
#include "tags.h"

namespace pyrolog {

const config::OptionTable<GrokTransformConfig>& GrokTransformConfig::options() {
  static const auto table = [] {
    config::OptionTable<GrokTransformConfig> t;
    t.add("match", &GrokTransformConfig::match,
          "Grok patterns, tried in order; the first that matches sets its fields and the others are not "
          "tried. `%{SYNTAX}`, `%{SYNTAX:field}`, `%{SYNTAX:field:int}` or `:float`, raw named groups "
          "`(?<field>...)`; nested names as `http.status` or `[http][status]` (both give `http.status`). See "
          "docs/grok.md.")
        .required()
        .example("['%{COMBINEDAPACHELOG}']");
    t.add("field", &GrokTransformConfig::field,
          "Field matched against the patterns; `message` is the raw line. A number or boolean field is "
          "matched as text.");
    t.add("patterns_dir", &GrokTransformConfig::patterns_dir,
          "Directories of pattern files (`NAME regex` per line) loaded after the built-in library; a later "
          "definition replaces an earlier one of the same name.")
        .example("[/etc/pyrolog/patterns]");
    t.add("pattern_definitions", &GrokTransformConfig::pattern_definitions,
          "Patterns defined inline, `NAME: regex`, loaded last: they replace built-in and `patterns_dir` "
          "patterns of the same name.")
        .example("{QUEUEID: '[0-9A-F]{10,11}'}");
    t.add("overwrite", &GrokTransformConfig::overwrite,
          "Fields a capture may replace when the event already has them. A capture into another existing "
          "field is left out, so earlier values are kept. `message` replaces the raw line.")
        .example("[message]");
    t.add("keep_empty_captures", &GrokTransformConfig::keep_empty_captures,
          "Set fields whose group did not take part in the match, or matched nothing, to an empty string "
          "(null for `:int` and `:float` fields) instead of leaving them out.");
    t.add("tag_on_failure", &GrokTransformConfig::tag_on_failure,
          "Tags set on an event no pattern matched (or whose `field` is missing); the event is kept and "
          "counted. A tag `t` is the field `tags.t: true`.");
    t.add("tag_on_limit", &GrokTransformConfig::tag_on_limit,
          "Tags set, besides `tag_on_failure`, on an event whose match ran out of `match_limit`, "
          "`depth_limit`, `heap_limit` or `jit_stack_limit`.");
    t.add("match_limit", &GrokTransformConfig::match_limit,
          "Most backtracking steps one match may take (PCRE2's match limit), so that a pathological pattern "
          "on a hostile line fails fast, counted as `limit_exceeded`. A normal line needs a few hundred.")
        .range(1000, 4'000'000'000.0);
    t.add("depth_limit", &GrokTransformConfig::depth_limit,
          "Most nested backtracking points of one match (PCRE2's depth limit; applies when the JIT is not "
          "used).")
        .range(100, 4'000'000'000.0);
    t.add("heap_limit", &GrokTransformConfig::heap_limit,
          "Most heap one match may use for backtracking (applies when the JIT is not used).")
        .range(64 * 1024, 4.0 * 1024 * 1024 * 1024);
    t.add("jit_stack_limit", &GrokTransformConfig::jit_stack_limit,
          "Largest JIT stack of each thread's matcher: bounds the backtracking state of a JIT match.")
        .range(32 * 1024, 1024.0 * 1024 * 1024);
    t.add("utf8", &GrokTransformConfig::utf8,
          "Match UTF-8 code points instead of bytes (`.` and classes then take a whole character). Invalid "
          "UTF-8 in a line never fails a match either way.");
    t.check("match", [](const GrokTransformConfig& c) -> std::optional<std::string> {
      if (c.match.empty()) return "needs at least one pattern";
      // Compiling here reports a bad pattern at the `match` option; building the transform compiles again.
      auto errors = grok_setup_errors(c);
      if (errors.empty()) return std::nullopt;
      return fmt::format("{}", fmt::join(errors, "; "));
    });
    t.check("tag_on_failure", [](const GrokTransformConfig& c) { return check_tag_names(c.tag_on_failure); });
    t.check("tag_on_limit", [](const GrokTransformConfig& c) { return check_tag_names(c.tag_on_limit); });
    t.check("field", [](const GrokTransformConfig& c) -> std::optional<std::string> {
      if (c.field.empty()) return "must not be empty";
      return std::nullopt;
    });
    return t;
  }();
  return table;
}

}  // namespace pyrolog
