#include "file_discovery.h"

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <memory>
#include <set>
#include <tuple>
#include <utility>

namespace pyrolog {
namespace {

struct Entry {
  std::string name;
  unsigned char type = DT_UNKNOWN;
};

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};

class Walker {
 public:
  Walker(const DiscoveryRules& rules, Discovery& out) : rules_(rules), out_(out) {}

  void walk(const GlobPattern& pattern) {
    pattern_ = &pattern;
    visited_.clear();
    walk_dir(pattern.base(), 0);
  }

 private:
  static std::string join(const std::string& dir, const std::string& name) {
    return dir == "/" ? "/" + name : dir + "/" + name;
  }

  bool list(const std::string& dir, std::vector<Entry>& entries) {
    std::unique_ptr<DIR, DirCloser> d(::opendir(dir.c_str()));
    if (!d) {
      if (errno != ENOENT && errno != ENOTDIR)
        out_.problems.push_back({dir, {errno, std::generic_category()}});
      return false;
    }
    if (listed_.insert(dir).second) out_.directories.push_back(dir);
    errno = 0;
    while (const dirent* e = ::readdir(d.get())) {
      const std::string name = e->d_name;
      if (name != "." && name != "..") entries.push_back({name, e->d_type});
    }
    return true;
  }

  bool is_dir(const std::string& path, const Entry& e) {
    if (e.type == DT_DIR) return true;
    if (e.type != DT_UNKNOWN && e.type != DT_LNK) return false;
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  }

  // Enters `dir` once per pattern and position in it, whatever symbolic links lead there.
  bool first_visit(const std::string& dir, std::size_t i) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) return false;
    return visited_.emplace(st.st_dev, st.st_ino, i).second;
  }

  void walk_dir(const std::string& dir, std::size_t i) {
    if (!first_visit(dir, i)) return;
    std::vector<Entry> entries;
    if (!list(dir, entries)) return;
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
    const auto& comps = pattern_->components();
    if (comps[i] == "**") {
      // No directory: the rest of the pattern applies here.
      if (i + 1 == comps.size()) {
        for (const auto& e : entries) {
          if (e.name[0] != '.') add_if_file(join(dir, e.name));
        }
      } else {
        match_entries(dir, entries, i + 1);
      }
      // One directory or more.
      for (const auto& e : entries) {
        if (e.name[0] == '.') continue;
        const std::string path = join(dir, e.name);
        if (is_dir(path, e)) walk_dir(path, i);
      }
      return;
    }
    match_entries(dir, entries, i);
  }

  void match_entries(const std::string& dir, const std::vector<Entry>& entries, std::size_t i) {
    const auto& comps = pattern_->components();
    const bool last = i + 1 == comps.size();
    if (comps[i] == "**") {
      walk_dir(dir, i);
      return;
    }
    for (const auto& e : entries) {
      if (!match_name(comps[i], e.name)) continue;
      const std::string path = join(dir, e.name);
      if (last) {
        add_if_file(path);
      } else if (is_dir(path, e)) {
        walk_dir(path, i + 1);
      }
    }
  }

  void add_if_file(const std::string& path) {
    if (rules_.exclude.excluded(path)) return;
    if (rules_.skip_compressed && is_compressed_name(path)) return;
    if (!files_seen_.insert(path).second) return;
    FoundFile f;
    f.path = path;
    if (::stat(path.c_str(), &f.st) != 0 || !S_ISREG(f.st.st_mode)) return;
    if (out_.files.size() >= rules_.max_files) {
      out_.truncated = true;
      return;
    }
    out_.files.push_back(std::move(f));
  }

  const DiscoveryRules& rules_;
  Discovery& out_;
  const GlobPattern* pattern_ = nullptr;
  std::set<std::tuple<dev_t, ino_t, std::size_t>> visited_;
  std::set<std::string> listed_;
  std::set<std::string> files_seen_;
};

}  // namespace

bool is_compressed_name(const std::string& path) {
  static const char* const kSuffixes[] = {".gz", ".bz2", ".xz", ".zst", ".lz4", ".zip", ".Z", ".tgz"};
  for (const char* suffix : kSuffixes) {
    const std::string_view s(suffix);
    if (path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0) return true;
  }
  return false;
}

Discovery discover(const DiscoveryRules& rules) {
  Discovery out;
  Walker walker(rules, out);
  for (const auto& pattern : rules.include)
    walker.walk(pattern);
  std::sort(out.files.begin(), out.files.end(),
            [](const FoundFile& a, const FoundFile& b) { return a.path < b.path; });
  return out;
}

}  // namespace pyrolog
