#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pyrolog {

// Whether a path component has glob characters (`*`, `?`, `[`).
bool has_wildcard(std::string_view component);

// Shell-style match of one file name: `*`, `?`, `[...]`; a leading `.` must be matched explicitly.
bool match_name(const std::string& pattern, const std::string& name);

// An absolute path pattern: `*`, `?` and `[...]` within a component, and `**` as a whole component for any
// number of directories (none included). `/var/log/**/*.log` matches `/var/log/a.log` and
// `/var/log/x/y/b.log`.
class GlobPattern {
 public:
  // A relative pattern is taken relative to `cwd`.
  explicit GlobPattern(std::string_view pattern, const std::string& cwd = "/");

  const std::string& text() const { return text_; }
  // The directory where the first wildcard component begins (the walk starts there).
  const std::string& base() const { return base_; }
  // The components after `base`; never empty.
  const std::vector<std::string>& components() const { return components_; }

  bool matches(std::string_view path) const;

 private:
  std::string text_;
  std::string base_;
  std::vector<std::string> components_;
};

// Exclusion rules: a pattern with a `/` is matched against the whole path (as a GlobPattern), one without
// against the file name only (`*.gz`).
class PathFilter {
 public:
  PathFilter(const std::vector<std::string>& patterns, const std::string& cwd);
  bool excluded(const std::string& path) const;

 private:
  std::vector<GlobPattern> paths_;
  std::vector<std::string> names_;
};

// Splits an absolute path into its components, dropping empty ones and `.`.
std::vector<std::string> split_path(std::string_view path);

}  // namespace pyrolog
