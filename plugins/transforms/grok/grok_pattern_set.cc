#include "grok_pattern_set.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>

namespace pyrolog::grok {
namespace {

bool is_blank(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_blank(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back()))
    s.remove_suffix(1);
  return s;
}

bool is_name_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

std::string PatternLoadError::to_string() const {
  if (line == 0) return file + ": " + message;
  return file + ":" + std::to_string(line) + ": " + message;
}

bool GrokPatternSet::is_valid_name(std::string_view name) noexcept {
  return !name.empty() && std::all_of(name.begin(), name.end(), is_name_char);
}

bool GrokPatternSet::add(std::string name, std::string regex, std::string origin) {
  if (!is_valid_name(name)) return false;
  PatternDefinition def{name, std::move(regex), std::move(origin)};
  patterns_.insert_or_assign(std::move(name), std::move(def));
  return true;
}

const PatternDefinition* GrokPatternSet::find(std::string_view name) const {
  auto it = patterns_.find(name);
  return it == patterns_.end() ? nullptr : &it->second;
}

std::vector<std::string_view> GrokPatternSet::names() const {
  std::vector<std::string_view> out;
  out.reserve(patterns_.size());
  for (const auto& [name, def] : patterns_)
    out.emplace_back(name);
  return out;
}

std::vector<PatternLoadError> GrokPatternSet::load_text(std::string_view text,
                                                        std::string_view source_label) {
  std::vector<PatternLoadError> errors;
  const std::string label(source_label);
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    const std::string_view line = trim(text.substr(pos, eol - pos));
    pos = eol + 1;
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    std::size_t name_end = 0;
    while (name_end < line.size() && !is_blank(line[name_end]))
      ++name_end;
    const std::string_view name = line.substr(0, name_end);
    if (!is_valid_name(name)) {
      errors.push_back(
          {label, line_no, "invalid pattern name '" + std::string(name) + "' (expected [A-Za-z0-9_]+)"});
      continue;
    }
    const std::string_view regex = trim(line.substr(name_end));
    if (regex.empty()) {
      errors.push_back({label, line_no, "pattern '" + std::string(name) + "' has no definition"});
      continue;
    }
    add(std::string(name), std::string(regex), label + ":" + std::to_string(line_no));
  }
  return errors;
}

std::vector<PatternLoadError> GrokPatternSet::load_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {{file.string(), 0, "cannot open pattern file"}};
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return {{file.string(), 0, "cannot read pattern file"}};
  return load_text(content.str(), file.string());
}

std::vector<PatternLoadError> GrokPatternSet::load_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) return {{dir.string(), 0, "cannot open pattern directory: " + ec.message()}};
  std::vector<std::filesystem::path> files;
  for (const auto& entry : it) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.front() == '.' || name.back() == '~') continue;
    std::error_code type_ec;
    if (!entry.is_regular_file(type_ec)) continue;
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<PatternLoadError> errors;
  for (const auto& file : files) {
    auto file_errors = load_file(file);
    errors.insert(errors.end(), std::make_move_iterator(file_errors.begin()),
                  std::make_move_iterator(file_errors.end()));
  }
  return errors;
}

std::vector<PatternLoadError> GrokPatternSet::add_definitions(
    const std::map<std::string, std::string>& definitions, std::string_view source_label) {
  std::vector<PatternLoadError> errors;
  const std::string label(source_label);
  for (const auto& [name, regex] : definitions) {
    if (!is_valid_name(name)) {
      errors.push_back({label, 0, "invalid pattern name '" + name + "' (expected [A-Za-z0-9_]+)"});
      continue;
    }
    if (regex.empty()) {
      errors.push_back({label, 0, "pattern '" + name + "' has no definition"});
      continue;
    }
    add(name, regex, label);
  }
  return errors;
}

}  // namespace pyrolog::grok
