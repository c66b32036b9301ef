#include "grok_command.h"

#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "builtin_patterns.h"
#include "event/value.h"
#include "grok_capture_value.h"
#include "grok_compiler.h"
#include "grok_library.h"
#include "grok_matcher.h"
#include "grok_pattern_lexer.h"
#include "grok_prefix_diagnostic.h"

namespace pyrolog {

const std::string_view kGrokCommandHelp =
    R"(Usage: pyrolog grok --pattern PATTERN [--patterns-dir DIR]... [--keep-empty-captures] [FILE]

The grok debugger. Matches each line of FILE (standard input without FILE, or with '-') against PATTERN, with
the built-in pattern library and then each DIR loaded, and prints one JSON object per line:
  - when the line matches, its fields ({"clientip":"10.0.0.1","response":200,...}; dotted names nest);
  - when it does not, where the pattern stopped matching: the longest prefix of the pattern that matches at
    the start of the line, the text it matched, and the component that failed next. When that component is a
    library pattern (%{HTTPDATE:timestamp}), its definition is examined in turn, down to the piece that fails
    ("inside").

Example:
  echo '10.0.0.1 GET abc' | pyrolog grok --pattern '%{IP:client} %{WORD:method} %{NUMBER:status}'
  {"_grokparsefailure":true,"matched_prefix":"%{IP:client} %{WORD:method} ","matched_text":"10.0.0.1 GET ",
   "failed_component":"%{NUMBER:status}","pattern_offset":28,"unmatched_text":"abc"}

Exits 0 when every line matched, 1 when some did not, 2 when the pattern does not compile (the problems are
printed) or the input cannot be read.

Options:
  --pattern PATTERN      The grok pattern (as in the grok transform's `match`).
  --patterns-dir DIR     A directory of pattern files loaded after the built-in library; may be repeated.
  --keep-empty-captures  Print fields that captured nothing as "" (or null for :int and :float).
)";

namespace {

constexpr std::size_t kMaxDrillDepth = 16;

// Every `--name VALUE` / `--name=VALUE`; positional arguments go to `rest`. False on an unknown option.
struct Args {
  std::optional<std::string> pattern;
  std::vector<std::string> patterns_dirs;
  bool keep_empty = false;
  std::vector<std::string> files;
  std::string problem;
};

Args parse_args(const std::vector<std::string_view>& args) {
  Args out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    auto value = [&](std::string_view name) -> std::optional<std::string> {
      if (a == name) {
        if (i + 1 >= args.size()) {
          out.problem = fmt::format("{} needs a value", name);
          return std::nullopt;
        }
        return std::string(args[++i]);
      }
      if (a.size() > name.size() && a.substr(0, name.size()) == name && a[name.size()] == '=') {
        return std::string(a.substr(name.size() + 1));
      }
      return std::nullopt;
    };
    if (a.substr(0, a.find('=')) == "--pattern") {
      if (auto v = value("--pattern")) out.pattern = *v;
    } else if (a.substr(0, a.find('=')) == "--patterns-dir") {
      if (auto v = value("--patterns-dir")) out.patterns_dirs.push_back(*v);
    } else if (a == "--keep-empty-captures") {
      out.keep_empty = true;
    } else if (a.size() > 1 && a[0] == '-' && a != "-") {
      out.problem = fmt::format("unknown option '{}'", a);
    } else {
      out.files.emplace_back(a);
    }
    if (!out.problem.empty()) return out;
  }
  if (!out.pattern) out.problem = "grok needs --pattern PATTERN";
  if (out.files.size() > 1) out.problem = "grok reads one FILE (or standard input)";
  return out;
}

// Sets `name` (dotted: nested objects) in `object`.
void set_nested(nlohmann::ordered_json& object, std::string_view name, nlohmann::ordered_json value) {
  nlohmann::ordered_json* at = &object;
  for (std::size_t dot = name.find('.'); dot != std::string_view::npos; dot = name.find('.')) {
    const std::string key(name.substr(0, dot));
    nlohmann::ordered_json& child = (*at)[key];
    if (!child.is_object()) child = nlohmann::ordered_json::object();
    at = &child;
    name.remove_prefix(dot + 1);
  }
  (*at)[std::string(name)] = std::move(value);
}

nlohmann::ordered_json to_json(const Value& v) {
  switch (v.type()) {
    case ValueType::string:
      return std::string(v.as_string());
    case ValueType::integer:
      return v.as_integer();
    case ValueType::floating:
      return v.as_floating();
    case ValueType::boolean:
      return v.as_boolean();
    default:
      return nullptr;
  }
}

// The library pattern a component is a reference to (`%{HTTPDATE:timestamp}`, with or without a quantifier).
std::optional<std::string_view> referenced_pattern(std::string_view component) {
  const grok::LexResult lex = grok::lex_pattern(component);
  if (!lex.ok() || lex.tokens.empty() || lex.tokens.front().kind != grok::TokenKind::kReference)
    return std::nullopt;
  return lex.tokens.front().name;
}

nlohmann::ordered_json diagnose(const grok::GrokCompiler& compiler, std::string_view pattern,
                                std::string_view line, const grok::MatchOptions& options) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  out["_grokparsefailure"] = true;
  auto result = grok::longest_matching_prefix(compiler, pattern, line, options);
  if (!result.ok()) {
    out["error"] = grok::to_string(result.errors);
    return out;
  }
  const grok::PrefixDiagnostic& d = result.diagnostic;
  std::size_t position = d.matched_length;  // in the line
  out["matched_prefix"] = d.matched_pattern;
  out["matched_text"] = std::string(line.substr(0, d.matched_length));
  out["failed_component"] = d.failed_component;
  out["pattern_offset"] = d.failed_component_offset;
  if (d.failed_status == grok::MatchStatus::kLimitExceeded) out["limit_exceeded"] = true;

  // Down into the library pattern that failed, while the failing piece is one.
  nlohmann::ordered_json inside = nlohmann::ordered_json::array();
  std::string_view failed = d.failed_component;
  std::string definition;
  for (std::size_t depth = 0; depth < kMaxDrillDepth; ++depth) {
    auto name = referenced_pattern(failed);
    if (!name) break;
    const grok::PatternDefinition* def = compiler.patterns().find(*name);
    if (def == nullptr) break;
    definition = def->regex;
    auto sub = grok::longest_matching_prefix(compiler, definition, line.substr(position), options);
    if (!sub.ok() || sub.diagnostic.full_match || sub.diagnostic.failed_component.empty()) break;
    const grok::PrefixDiagnostic& s = sub.diagnostic;
    nlohmann::ordered_json level = nlohmann::ordered_json::object();
    level["pattern"] = std::string(*name);
    level["definition"] = definition;
    level["matched_prefix"] = s.matched_pattern;
    level["matched_text"] = std::string(line.substr(position, s.matched_length));
    level["failed_component"] = s.failed_component;
    level["pattern_offset"] = s.failed_component_offset;
    inside.push_back(std::move(level));
    position += s.matched_length;
    failed = inside.back()["failed_component"].get_ref<const std::string&>();
  }
  if (!inside.empty()) out["inside"] = std::move(inside);
  out["unmatched_text"] = std::string(line.substr(position));
  return out;
}

}  // namespace

int grok_command(const std::vector<std::string_view>& args, std::istream& in, std::ostream& out,
                 std::ostream& err) {
  const Args a = parse_args(args);
  if (!a.problem.empty()) {
    err << "pyrolog: " << a.problem << "\n\n" << kGrokCommandHelp;
    return 64;
  }
  std::vector<std::string> errors;
  grok::GrokLibraryOptions library_options;
  library_options.patterns_dirs = a.patterns_dirs;
  const grok::GrokPatternSet library = grok::load_grok_library(library_options, errors);
  if (!grok::find_builtin_patterns_dir()) {
    err << "pyrolog grok: warning: the built-in pattern library was not found (set PYROLOG_PATTERNS_DIR)\n";
  }
  grok::MatchOptions options;
  options.keep_empty_captures = a.keep_empty;
  const grok::GrokCompiler compiler(library);
  const grok::CompileResult compiled = compiler.compile(*a.pattern);
  for (const auto& e : compiled.errors)
    errors.push_back(e.to_string());
  if (!errors.empty()) {
    for (const auto& e : errors)
      err << "pyrolog grok: " << e << '\n';
    return 2;
  }

  std::ifstream file;
  std::istream* input = &in;
  if (!a.files.empty() && a.files.front() != "-") {
    file.open(a.files.front(), std::ios::binary);
    if (!file) {
      err << "pyrolog grok: cannot read " << a.files.front() << '\n';
      return 2;
    }
    input = &file;
  }

  const grok::GrokMatcher matcher(compiled.program, options);
  grok::MatchScratch scratch;
  bool all_matched = true;
  std::string line;
  while (std::getline(*input, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const grok::MatchResult r = matcher.match(line, scratch);
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    if (r.matched()) {
      for (const grok::Capture& c : r.captures) {
        bool converted = true;
        set_nested(object, c.field, to_json(grok_capture_value(c, converted)));
      }
    } else {
      all_matched = false;
      object = diagnose(compiler, *a.pattern, line, options);
    }
    out << object.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
  }
  out.flush();
  if (input->bad()) {
    err << "pyrolog grok: error reading the input\n";
    return 2;
  }
  return all_matched ? 0 : 1;
}

int run_grok_command(const std::vector<std::string_view>& args) {
  return grok_command(args, std::cin, std::cout, std::cerr);
}

}  // namespace pyrolog
