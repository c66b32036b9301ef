#include "file_identity.h"

#include <cerrno>
#include <unistd.h>

namespace pyrolog::files {

FileIdentity identity_of(const struct stat& st) {
  FileIdentity id;
  id.dev = st.st_dev;
  id.ino = st.st_ino;
  return id;
}

std::uint64_t fingerprint_hash(std::string_view bytes) {
  std::uint64_t h = 14695981039346656037ull;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

std::error_code read_prefix(int fd, std::size_t max_bytes, std::string& out) {
  out.resize(max_bytes);
  std::size_t got = 0;
  while (got < max_bytes) {
    const ssize_t n = ::pread(fd, out.data() + got, max_bytes - got, static_cast<off_t>(got));
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      out.clear();
      return {err, std::generic_category()};
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  return {};
}

bool prefix_matches(const FileIdentity& id, std::string_view prefix) {
  if (id.fingerprint_bytes == 0) return true;  // nothing known yet
  if (prefix.size() < id.fingerprint_bytes) return false;
  return fingerprint_hash(prefix.substr(0, id.fingerprint_bytes)) == id.fingerprint;
}

bool verify_and_extend(int fd, FileIdentity& id, std::size_t limit, std::string& scratch,
                       std::error_code& ec) {
  ec = read_prefix(fd, limit, scratch);
  if (ec) return false;
  if (!prefix_matches(id, scratch)) return false;
  if (scratch.size() > id.fingerprint_bytes) {
    id.fingerprint_bytes = static_cast<std::uint32_t>(scratch.size());
    id.fingerprint = fingerprint_hash(scratch);
  }
  return true;
}

}  // namespace pyrolog::files
