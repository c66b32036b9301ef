#include "glob_pattern.h"

#include <fnmatch.h>

namespace pyrolog {

bool has_wildcard(std::string_view component) {
  return component.find_first_of("*?[") != std::string_view::npos;
}

bool match_name(const std::string& pattern, const std::string& name) {
  return ::fnmatch(pattern.c_str(), name.c_str(), FNM_PERIOD) == 0;
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    std::size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view part = path.substr(pos, slash - pos);
    if (!part.empty() && part != ".") {
      if (part == ".." && !out.empty() && out.back() != "..") {
        out.pop_back();
      } else if (part != "..") {
        out.emplace_back(part);
      }
    }
    pos = slash + 1;
  }
  return out;
}

namespace {

std::string join_components(const std::vector<std::string>& parts, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i)
    out += "/" + parts[i];
  return out.empty() ? "/" : out;
}

// Matches pattern components [pi..] against path components [si..]; `**` takes zero or more of them.
bool match_from(const std::vector<std::string>& pattern, std::size_t pi, const std::vector<std::string>& path,
                std::size_t si) {
  while (pi < pattern.size()) {
    if (pattern[pi] == "**") {
      // Hidden directories are not entered by `**`, as the walk does not enter them.
      for (std::size_t k = si; k <= path.size(); ++k) {
        if (match_from(pattern, pi + 1, path, k)) return true;
        if (k < path.size() && !path[k].empty() && path[k][0] == '.') return false;
      }
      return false;
    }
    if (si >= path.size() || !match_name(pattern[pi], path[si])) return false;
    ++pi;
    ++si;
  }
  return si == path.size();
}

}  // namespace

GlobPattern::GlobPattern(std::string_view pattern, const std::string& cwd) {
  std::string absolute =
      !pattern.empty() && pattern[0] == '/' ? std::string(pattern) : cwd + "/" + std::string(pattern);
  std::vector<std::string> parts = split_path(absolute);
  // The base is the leading components without wildcards, except the last component (a file name).
  std::size_t literal = 0;
  while (literal + 1 < parts.size() && !has_wildcard(parts[literal]) && parts[literal] != "**")
    ++literal;
  base_ = join_components(parts, literal);
  components_.assign(parts.begin() + static_cast<std::ptrdiff_t>(literal), parts.end());
  text_ = join_components(parts, parts.size());
}

bool GlobPattern::matches(std::string_view path) const {
  const std::vector<std::string> parts = split_path(path);
  const std::vector<std::string> base_parts = split_path(base_);
  if (parts.size() < base_parts.size()) return false;
  for (std::size_t i = 0; i < base_parts.size(); ++i) {
    if (parts[i] != base_parts[i]) return false;
  }
  return match_from(components_, 0, parts, base_parts.size());
}

PathFilter::PathFilter(const std::vector<std::string>& patterns, const std::string& cwd) {
  for (const auto& p : patterns) {
    if (p.find('/') != std::string::npos) {
      paths_.emplace_back(p, cwd);
    } else {
      names_.push_back(p);
    }
  }
}

bool PathFilter::excluded(const std::string& path) const {
  const std::size_t slash = path.rfind('/');
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  for (const auto& n : names_) {
    if (match_name(n, name)) return true;
  }
  for (const auto& p : paths_) {
    if (p.matches(path)) return true;
  }
  return false;
}

}  // namespace pyrolog
