#include "log/journal.h"

#include <charconv>
#include <string>
#include <sys/stat.h>
#include <sys/uio.h>

#include <systemd/sd-journal.h>

namespace pyrolog::log {

bool journal_stream_matches(std::string_view journal_stream, int fd) {
  const auto colon = journal_stream.find(':');
  if (colon == std::string_view::npos) return false;
  std::uint64_t dev = 0, ino = 0;
  const char* begin = journal_stream.data();
  const char* end = begin + journal_stream.size();
  auto [p1, e1] = std::from_chars(begin, begin + colon, dev);
  if (e1 != std::errc{} || p1 != begin + colon) return false;
  auto [p2, e2] = std::from_chars(begin + colon + 1, end, ino);
  if (e2 != std::errc{} || p2 != end || colon + 1 == journal_stream.size()) return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0) return false;
  const std::uint64_t file_dev = st.st_dev;
  const std::uint64_t file_ino = st.st_ino;
  return file_dev == dev && file_ino == ino;
}

int journal_priority(Level level) {
  switch (level) {
    case Level::debug:
      return 7;
    case Level::info:
      return 6;
    case Level::warning:
      return 4;
    case Level::error:
      return 3;
  }
  return 6;
}

bool send_to_journal(Level level, std::string_view component, std::string_view message) {
  const std::string fields[] = {
      "MESSAGE=" + std::string(message),
      "PRIORITY=" + std::to_string(journal_priority(level)),
      "PYROLOG_COMPONENT=" + std::string(component),
      "SYSLOG_IDENTIFIER=pyrolog",
  };
  iovec iov[std::size(fields)];
  for (std::size_t i = 0; i < std::size(fields); ++i) {
    iov[i].iov_base = const_cast<char*>(fields[i].data());
    iov[i].iov_len = fields[i].size();
  }
  return sd_journal_sendv(iov, static_cast<int>(std::size(fields))) == 0;
}

}  // namespace pyrolog::log
