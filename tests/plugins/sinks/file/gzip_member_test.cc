#include "gzip_member.h"

#include <gtest/gtest.h>
#include <zlib.h>

namespace pyrolog {
namespace {

// Inflates a whole gzip stream, member after member.
std::string gunzip(const std::string& data) {
  std::string out;
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 32), Z_OK);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  char buf[4096];
  for (;;) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    const int rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      inflateReset(&zs);  // the next member
      continue;
    }
    if (rc != Z_OK) {
      ADD_FAILURE() << "inflate failed: " << rc;
      break;
    }
  }
  inflateEnd(&zs);
  return out;
}

TEST(GzipMember, ConcatenatedMembersAreOneStream) {
  std::string file;
  append_gzip_member(file, "first batch\n", 6);
  append_gzip_member(file, "second batch\n", 1);
  append_gzip_member(file, "", 9);
  EXPECT_EQ(file.substr(0, 2), "\x1f\x8b");
  EXPECT_EQ(gunzip(file), "first batch\nsecond batch\n");
}

TEST(GzipMember, CompressesRepetitiveText) {
  std::string text;
  for (int i = 0; i < 1000; ++i)
    text += "GET /index.html HTTP/1.1 200 1234\n";
  std::string out;
  append_gzip_member(out, text, 6);
  EXPECT_LT(out.size(), text.size() / 10);
  EXPECT_EQ(gunzip(out), text);
}

}  // namespace
}  // namespace pyrolog
