#pragma once

// A library of named grok patterns ("NAME regex" lines, as in Logstash pattern files).
//
// Sources are loaded in order and later definitions replace earlier ones with the same name, so
// the usual sequence is: the built-in directory, then the user's patterns_dir, then the inline
// pattern_definitions map of the configuration.

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace pyrolog::grok {

struct PatternDefinition {
  std::string name;
  std::string regex;   // grok text: may itself use %{...}
  std::string origin;  // where it was defined: "path/to/file:12" or "pattern_definitions"
};

struct PatternLoadError {
  std::string file;      // file (or directory, or source label) the problem is in
  std::size_t line = 0;  // 1-based; 0 when the problem is not about one line
  std::string message;
  // "file:line: message" (or "file: message" when line is 0).
  std::string to_string() const;
};

class GrokPatternSet {
 public:
  // Every regular file directly in dir, in lexicographic order of file name; hidden files
  // (".name") and editor backups ("name~") are skipped. Valid lines are loaded even when other
  // lines have errors; the errors are returned (empty when everything loaded).
  std::vector<PatternLoadError> load_directory(const std::filesystem::path& dir);
  std::vector<PatternLoadError> load_file(const std::filesystem::path& file);
  // The same format from memory; source_label names it in origins and errors.
  std::vector<PatternLoadError> load_text(std::string_view text, std::string_view source_label);
  // Inline definitions (name -> regex), e.g. a configuration's pattern_definitions.
  std::vector<PatternLoadError> add_definitions(const std::map<std::string, std::string>& definitions,
                                                std::string_view source_label = "pattern_definitions");
  // Adds or replaces one definition. Returns false (and changes nothing) for an invalid name.
  bool add(std::string name, std::string regex, std::string origin);

  const PatternDefinition* find(std::string_view name) const;
  std::size_t size() const noexcept { return patterns_.size(); }
  bool empty() const noexcept { return patterns_.empty(); }
  std::vector<std::string_view> names() const;  // sorted

  // Pattern names are [A-Za-z0-9_]+.
  static bool is_valid_name(std::string_view name) noexcept;

 private:
  std::map<std::string, PatternDefinition, std::less<>> patterns_;
};

}  // namespace pyrolog::grok
