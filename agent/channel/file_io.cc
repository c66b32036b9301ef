#include "channel/file_io.h"

#include <cerrno>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

namespace pyrolog::channel {

std::error_code errno_code(int error) noexcept {
  return {error, std::system_category()};
}

Result<UniqueFd> open_file(const std::filesystem::path& path, int flags, mode_t mode) noexcept {
  for (;;) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    if (fd >= 0) return UniqueFd(fd);
    if (errno != EINTR) return errno_code(errno);
  }
}

Result<std::size_t> pread_full(int fd, std::span<std::byte> buffer, std::uint64_t offset) noexcept {
  std::size_t done = 0;
  while (done < buffer.size()) {
    const ssize_t n =
        ::pread(fd, buffer.data() + done, buffer.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_code(errno);
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

std::error_code pwrite_full(int fd, std::span<const std::byte> first, std::span<const std::byte> second,
                            std::uint64_t offset) noexcept {
  const std::size_t total = first.size() + second.size();
  std::size_t done = 0;
  while (done < total) {
    iovec iov[2];
    int count = 0;
    if (done < first.size()) {
      iov[count++] = {const_cast<std::byte*>(first.data() + done), first.size() - done};
      if (!second.empty()) iov[count++] = {const_cast<std::byte*>(second.data()), second.size()};
    } else {
      const std::size_t skip = done - first.size();
      iov[count++] = {const_cast<std::byte*>(second.data() + skip), second.size() - skip};
    }
    const ssize_t n = ::pwritev(fd, iov, count, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_code(errno);
    }
    if (n == 0) return errno_code(EIO);
    done += static_cast<std::size_t>(n);
  }
  return {};
}

Result<std::uint64_t> file_size(int fd) noexcept {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return errno_code(errno);
  return static_cast<std::uint64_t>(st.st_size);
}

std::error_code truncate_fd(int fd, std::uint64_t size) noexcept {
  for (;;) {
    if (::ftruncate(fd, static_cast<off_t>(size)) == 0) return {};
    if (errno != EINTR) return errno_code(errno);
  }
}

std::error_code sync_data(int fd) noexcept {
  for (;;) {
    if (::fdatasync(fd) == 0) return {};
    if (errno != EINTR) return errno_code(errno);
  }
}

std::error_code sync_file(int fd) noexcept {
  for (;;) {
    if (::fsync(fd) == 0) return {};
    if (errno != EINTR) return errno_code(errno);
  }
}

std::error_code sync_directory(const std::filesystem::path& dir) noexcept {
  auto fd = open_file(dir, O_RDONLY | O_DIRECTORY);
  if (!fd) return fd.error();
  return sync_file(fd->get());
}

std::error_code replace_file_atomically(const std::filesystem::path& dir, const std::string& name,
                                        std::span<const std::byte> contents) noexcept {
  const std::filesystem::path final_path = dir / name;
  const std::filesystem::path temp_path = dir / (name + ".tmp");
  std::error_code ec;
  {
    auto fd = open_file(temp_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (!fd) return fd.error();
    ec = pwrite_full(fd->get(), contents, {}, 0);
    if (!ec) ec = sync_data(fd->get());
  }
  if (!ec && ::rename(temp_path.c_str(), final_path.c_str()) != 0) ec = errno_code(errno);
  if (ec) {
    ::unlink(temp_path.c_str());
    return ec;
  }
  return sync_directory(dir);
}

std::error_code remove_file(const std::filesystem::path& path) noexcept {
  if (::unlink(path.c_str()) == 0 || errno == ENOENT) return {};
  return errno_code(errno);
}

}  // namespace pyrolog::channel
