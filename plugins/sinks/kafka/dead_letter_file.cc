#include "dead_letter_file.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/complete_lines.h"
#include "codec/json_writer.h"

namespace pyrolog {

DeadLetterFile::~DeadLetterFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::error_code DeadLetterFile::open() {
  std::error_code ec;
  if (path_.has_parent_path()) std::filesystem::create_directories(path_.parent_path(), ec);
  if (ec) return ec;
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) return {errno, std::generic_category()};
  // A crash in the middle of a write can leave a line half-written: cut it off, or the next line would run on
  // from it. Its message was not acknowledged, so it is refused and written here again.
  std::uint64_t size = 0;
  std::uint64_t cut = 0;
  if (auto ec_cut = cut_half_written_record(fd_, find_complete_lines_end, size, cut)) {
    ::close(fd_);
    fd_ = -1;
    return ec_cut;
  }
  cut_at_open_ += cut;
  return {};
}

std::string DeadLetterFile::format(const DeadLetterRecord& r) {
  std::string out;
  out.reserve(r.payload.size() + 256);
  out += "{\"time\":";
  out += '"';
  append_rfc3339(out, r.time_ns);
  out += "\",\"topic\":";
  append_json_string(out, r.topic);
  out += ",\"key\":";
  if (r.key) {
    append_json_string(out, *r.key);
  } else {
    out += "null";
  }
  out += ",\"error\":";
  append_json_string(out, r.error);
  out += ",\"reason\":";
  append_json_string(out, r.reason);
  out += ",\"headers\":{";
  for (std::size_t i = 0; i < r.headers.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, r.headers[i].name);
    out += ':';
    append_json_string(out, r.headers[i].value);
  }
  out += "},\"message\":";
  append_json_string(out, r.payload);
  out += '}';
  return out;
}

std::error_code DeadLetterFile::append(const DeadLetterRecord& record) {
  if (fd_ < 0) {
    if (auto ec = open()) return ec;
  }
  std::string line = format(record);
  line += '\n';
  struct stat st {};
  const off_t before = ::fstat(fd_, &st) == 0 ? st.st_size : -1;
  std::size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + written, line.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::error_code ec(errno, std::generic_category());
      // Cut back what part of the line went in, so that the file holds whole lines only.
      if (written > 0 && before >= 0) [[maybe_unused]]
        auto r = ::ftruncate(fd_, before);
      return ec;
    }
    written += static_cast<std::size_t>(n);
  }
  return {};
}

}  // namespace pyrolog
