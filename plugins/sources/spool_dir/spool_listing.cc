#include "spool_listing.h"

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <fnmatch.h>
#include <memory>

namespace pyrolog {
namespace {

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool any_match(const std::vector<std::string>& patterns, const std::string& name) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) {
    return ::fnmatch(p.c_str(), name.c_str(), FNM_PERIOD) == 0;
  });
}

bool earlier(const struct stat& a, const struct stat& b) {
  if (a.st_mtim.tv_sec != b.st_mtim.tv_sec) return a.st_mtim.tv_sec < b.st_mtim.tv_sec;
  return a.st_mtim.tv_nsec < b.st_mtim.tv_nsec;
}

}  // namespace

bool spool_takes(const SpoolDirConfig& config, const std::string& name) {
  if (name.empty() || name[0] == '.') return false;
  if (ends_with(name, config.completed_suffix) || ends_with(name, config.changed_suffix)) return false;
  if (!any_match(config.include, name)) return false;
  return !any_match(config.ignore, name);
}

std::vector<SpoolCandidate> list_spool(const SpoolDirConfig& config, std::error_code& ec) {
  ec.clear();
  std::vector<SpoolCandidate> out;
  std::unique_ptr<DIR, DirCloser> d(::opendir(config.path.c_str()));
  if (!d) {
    ec = std::error_code(errno, std::generic_category());
    return out;
  }
  while (const dirent* e = ::readdir(d.get())) {
    const std::string name = e->d_name;
    if (!spool_takes(config, name)) continue;
    SpoolCandidate c;
    c.name = name;
    const std::string path = config.path + "/" + name;
    if (::stat(path.c_str(), &c.st) != 0 || !S_ISREG(c.st.st_mode)) continue;
    out.push_back(std::move(c));
  }
  if (config.order == SpoolOrder::oldest) {
    std::sort(out.begin(), out.end(), [](const SpoolCandidate& a, const SpoolCandidate& b) {
      if (earlier(a.st, b.st)) return true;
      if (earlier(b.st, a.st)) return false;
      return a.name < b.name;
    });
  } else {
    std::sort(out.begin(), out.end(),
              [](const SpoolCandidate& a, const SpoolCandidate& b) { return a.name < b.name; });
  }
  return out;
}

}  // namespace pyrolog
