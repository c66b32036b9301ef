#include "channel/segment_writer.h"

#include <fcntl.h>

#include "channel/directory_layout.h"
#include "channel/file_io.h"

namespace pyrolog::channel {

Result<std::shared_ptr<SegmentWriter>> SegmentWriter::create(const std::filesystem::path& dir,
                                                             std::uint64_t id, std::uint64_t first_seq) {
  const auto path = dir / segment_file_name(id);
  auto fd = open_file(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (!fd) return fd.error();
  const auto header =
      encode_segment_header({.version = kFormatVersion, .segment_id = id, .first_seq = first_seq});
  if (auto ec = pwrite_full(fd->get(), header, {}, 0)) {
    fd->reset();
    remove_file(path);
    return ec;
  }
  return std::make_shared<SegmentWriter>(std::move(*fd), id, kSegmentHeaderSize);
}

Result<std::shared_ptr<SegmentWriter>> SegmentWriter::open(const std::filesystem::path& dir, std::uint64_t id,
                                                           std::uint64_t end) {
  auto fd = open_file(dir / segment_file_name(id), O_WRONLY);
  if (!fd) return fd.error();
  return std::make_shared<SegmentWriter>(std::move(*fd), id, end);
}

std::error_code SegmentWriter::append(std::span<const std::byte> header, std::span<const std::byte> payload) {
  auto ec = pwrite_full(fd_.get(), header, payload, end_);
  if (!ec) {
    end_ += header.size() + payload.size();
    return {};
  }
  // Take back whatever part of the frame reached the file, so that no partial frame stays behind.
  if (truncate_fd(fd_.get(), end_)) broken_ = true;
  return ec;
}

std::error_code SegmentWriter::sync() const {
  return sync_data(fd_.get());
}

std::error_code SegmentWriter::truncate(std::uint64_t size) {
  auto ec = truncate_fd(fd_.get(), size);
  if (ec) {
    broken_ = true;
    return ec;
  }
  end_ = size;
  return {};
}

}  // namespace pyrolog::channel
