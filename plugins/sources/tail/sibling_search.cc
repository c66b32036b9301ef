#include "sibling_search.h"

#include <cerrno>
#include <dirent.h>
#include <memory>
#include <sys/stat.h>

#include "file_input/file_io.h"

namespace pyrolog {
namespace {

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};

bool newer(const struct stat& a, const struct stat& b) {
  if (a.st_mtim.tv_sec != b.st_mtim.tv_sec) return a.st_mtim.tv_sec > b.st_mtim.tv_sec;
  return a.st_mtim.tv_nsec > b.st_mtim.tv_nsec;
}

}  // namespace

std::string parent_directory(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::optional<MovedFile> find_in_directory(const std::string& dir, const SiblingQuery& query,
                                           std::error_code& list_error) {
  list_error.clear();
  std::unique_ptr<DIR, DirCloser> d(::opendir(dir.c_str()));
  if (!d) {
    if (errno != ENOENT && errno != ENOTDIR) list_error = std::error_code(errno, std::generic_category());
    return std::nullopt;
  }
  std::optional<MovedFile> best_copy;
  struct stat best_copy_st {};
  std::string prefix;
  while (const dirent* e = ::readdir(d.get())) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    const std::string path = dir == "/" ? "/" + name : dir + "/" + name;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    files::FileIdentity found = files::identity_of(st);
    const bool same_inode = found.same_inode(query.identity);
    if (same_inode && !query.renames) continue;
    if (!same_inode && (!query.copies || query.identity.fingerprint_bytes == 0)) continue;
    if (static_cast<std::uint64_t>(st.st_size) < query.min_size) continue;
    if (query.tracked && query.tracked(found)) continue;
    std::error_code ec;
    UniqueFd fd = files::open_for_reading(path, ec);
    if (!fd) continue;
    if (files::read_prefix(fd.get(), query.identity.fingerprint_bytes, prefix)) continue;
    if (!files::prefix_matches(query.identity, prefix)) continue;
    found.fingerprint_bytes = query.identity.fingerprint_bytes;
    found.fingerprint = query.identity.fingerprint;
    if (same_inode) return MovedFile{path, std::move(fd), found, true};
    if (!best_copy || newer(st, best_copy_st)) {
      best_copy = MovedFile{path, std::move(fd), found, false};
      best_copy_st = st;
    }
  }
  return best_copy;
}

}  // namespace pyrolog
