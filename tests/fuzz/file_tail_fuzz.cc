// libFuzzer target for what a sink reads back when it opens a file a crash may have left half-written: the
// last complete line (find_complete_lines_end) and the last complete gzip member
// (find_complete_gzip_members_end), on hostile file contents.
//
// Input layout: the file's contents, whole. Checked: both return without error and an end within the file;
// the lines' end follows a newline with none after it; the gzip end is the file's end when the file ends in
// whole members, and cutting at it and looking again cuts nothing more.
//
// Build: configure with CMAKE_CXX_COMPILER=clang++ and -DPYROLOG_FUZZ=ON, then
//   ./file_tail_fuzz -max_total_time=600 corpus_dir <source>/tests/fuzz/corpus/file_tail

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

#include "base/complete_lines.h"
#include "gzip_member.h"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

// A memory file holding `data`; closed by the caller.
int memory_file(const std::uint8_t* data, std::size_t size) {
  const int fd = ::memfd_create("file_tail_fuzz", MFD_CLOEXEC);
  check(fd >= 0);
  std::size_t written = 0;
  while (written < size) {
    const ssize_t n = ::write(fd, data + written, size - written);
    check(n > 0);
    written += static_cast<std::size_t>(n);
  }
  return fd;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pyrolog;
  const int fd = memory_file(data, size);

  std::uint64_t lines_end = 0;
  check(!find_complete_lines_end(fd, size, lines_end));
  check(lines_end <= size);
  check(lines_end == 0 || data[lines_end - 1] == '\n');
  check(lines_end == size || std::memchr(data + lines_end, '\n', size - lines_end) == nullptr);

  std::uint64_t gzip_end = 0;
  check(!find_complete_gzip_members_end(fd, size, gzip_end));
  check(gzip_end <= size);
  if (gzip_end < size) {
    std::uint64_t again = 0;
    check(!find_complete_gzip_members_end(fd, gzip_end, again));
    check(again == gzip_end);
  }
  // A member appended to what is kept is found whole.
  std::string member;
  append_gzip_member(member, std::string_view(reinterpret_cast<const char*>(data), size), 1);
  if (::ftruncate(fd, static_cast<off_t>(gzip_end)) == 0 &&
      ::pwrite(fd, member.data(), member.size(), static_cast<off_t>(gzip_end)) ==
          static_cast<ssize_t>(member.size())) {
    std::uint64_t after = 0;
    check(!find_complete_gzip_members_end(fd, gzip_end + member.size(), after));
    check(after == gzip_end + member.size());
  }
  ::close(fd);
  return 0;
}
