#include "gzip_member.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <unistd.h>

#include <zlib.h>

namespace pyrolog {
namespace {

// ID1 ID2, CM (deflate), FLG (FEXTRA), MTIME (none), XFL, OS (Unix), XLEN (12), SI1 SI2 (`Py`), LEN (8); then
// the member's length in 8 bytes.
constexpr std::array<unsigned char, 16> kHeader = {0x1f, 0x8b, 8,  0x04, 0,   0,   0, 0,
                                                   0,    3,    12, 0,    'P', 'y', 8, 0};
constexpr std::size_t kHeaderBytes = kHeader.size() + 8;
constexpr std::size_t kTrailerBytes = 8;  // CRC32, ISIZE

void put_le(std::string& out, std::size_t at, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out[at + static_cast<std::size_t>(i)] = static_cast<char>((value >> (8 * i)) & 0xff);
}

std::uint64_t get_le(const unsigned char* p, int bytes) {
  std::uint64_t value = 0;
  for (int i = bytes - 1; i >= 0; --i)
    value = (value << 8) | p[i];
  return value;
}

std::error_code read_at(int fd, std::uint64_t offset, unsigned char* buf, std::size_t want,
                        std::size_t& got) {
  got = 0;
  while (got < want) {
    const ssize_t n = ::pread(fd, buf + got, want - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return {errno, std::generic_category()};
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  return {};
}

enum class Member { complete, truncated, not_gzip };

// Inflates the gzip member at `offset` (one without our length field) to find where it ends.
std::error_code inflate_member(int fd, std::uint64_t offset, std::uint64_t size, Member& kind,
                               std::uint64_t& length) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + 15) != Z_OK) throw std::runtime_error("zlib: inflateInit2 failed");
  std::array<unsigned char, 64 * 1024> in;
  std::array<unsigned char, 64 * 1024> out;
  std::uint64_t at = offset;
  std::error_code ec;
  kind = Member::truncated;
  for (int rc = Z_OK; rc == Z_OK || rc == Z_BUF_ERROR;) {
    if (zs.avail_in == 0) {
      if (at >= size) break;  // the input ends inside the member
      std::size_t got = 0;
      if ((ec = read_at(fd, at, in.data(),
                        static_cast<std::size_t>(std::min<std::uint64_t>(in.size(), size - at)), got)))
        break;
      if (got == 0) break;
      at += got;
      zs.next_in = in.data();
      zs.avail_in = static_cast<uInt>(got);
    }
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) {
      kind = Member::complete;
      length = zs.total_in;
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      kind = Member::not_gzip;  // corrupt: not something a crash leaves
    }
  }
  inflateEnd(&zs);
  return ec;
}

}  // namespace

void append_gzip_member(std::string& out, std::string_view data, int level) {
  z_stream zs{};
  // Raw deflate (negative windowBits): the header and trailer are written here, the header with the length.
  if (deflateInit2(&zs, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("zlib: deflateInit2 failed");
  }
  const std::size_t start = out.size();
  const uLong bound = deflateBound(&zs, data.size());
  out.resize(start + kHeaderBytes + bound + kTrailerBytes);
  std::memcpy(out.data() + start, kHeader.data(), kHeader.size());
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data() + start + kHeaderBytes);
  zs.avail_out = static_cast<uInt>(bound);
  const int rc = deflate(&zs, Z_FINISH);
  const std::size_t deflated = bound - zs.avail_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("zlib: deflate did not finish");
  const std::size_t length = kHeaderBytes + deflated + kTrailerBytes;
  put_le(out, start + kHeader.size(), length, 8);
  const std::size_t trailer = start + kHeaderBytes + deflated;
  put_le(out, trailer,
         crc32(crc32(0, nullptr, 0), reinterpret_cast<const Bytef*>(data.data()),
               static_cast<uInt>(data.size())),
         4);
  put_le(out, trailer + 4, data.size() & 0xffffffffu, 4);
  out.resize(start + length);
}

std::error_code find_complete_gzip_members_end(int fd, std::uint64_t size, std::uint64_t& end) {
  std::uint64_t offset = 0;
  end = size;
  while (offset < size) {
    std::array<unsigned char, kHeaderBytes> head{};
    std::size_t got = 0;
    if (auto ec = read_at(fd, offset, head.data(), head.size(), got)) return ec;
    const std::size_t known = std::min(got, kHeader.size());
    if (std::memcmp(head.data(), kHeader.data(), known) == 0) {
      if (got < kHeaderBytes) {
        end = offset;  // a header cut short
        return {};
      }
      const std::uint64_t length = get_le(head.data() + kHeader.size(), 8);
      if (length < kHeaderBytes + kTrailerBytes) return {};  // not ours after all: leave the file as it is
      if (length > size - offset) {
        end = offset;
        return {};
      }
      offset += length;
      continue;
    }
    Member kind = Member::not_gzip;
    std::uint64_t length = 0;
    if (got >= 2 && head[0] == 0x1f && head[1] == 0x8b) {
      if (auto ec = inflate_member(fd, offset, size, kind, length)) return ec;
    } else if (got < 2 && head[0] == 0x1f) {
      kind = Member::truncated;
    }
    if (kind == Member::not_gzip) return {};
    if (kind == Member::truncated) {
      end = offset;
      return {};
    }
    offset += length;
  }
  return {};
}

}  // namespace pyrolog
