#include "gzip_member.h"

#include <cstdio>
#include <unistd.h>

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

// A temporary file holding `content`.
class TempFile {
 public:
  explicit TempFile(const std::string& content) : f_(std::tmpfile()) {
    EXPECT_EQ(std::fwrite(content.data(), 1, content.size(), f_), content.size());
    std::fflush(f_);
  }
  ~TempFile() { std::fclose(f_); }
  int fd() const { return ::fileno(f_); }

 private:
  std::FILE* f_;
};

std::uint64_t complete_end(const std::string& content) {
  TempFile file(content);
  std::uint64_t end = 12345;
  EXPECT_FALSE(find_complete_gzip_members_end(file.fd(), content.size(), end));
  return end;
}

// A member as zlib writes it, without our length field.
std::string zlib_member(const std::string& data) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(out.size() - zs.avail_out);
  deflateEnd(&zs);
  return out;
}

TEST(GzipMember, CarriesItsLengthInAnExtraField) {
  std::string member;
  append_gzip_member(member, "some text\n", 6);
  ASSERT_GE(member.size(), 24u);
  EXPECT_EQ(member[3] & 0x04, 0x04);  // FEXTRA
  EXPECT_EQ(member.substr(12, 2), "Py");
  std::uint64_t length = 0;
  for (int i = 7; i >= 0; --i)
    length = (length << 8) | static_cast<unsigned char>(member[16 + static_cast<std::size_t>(i)]);
  EXPECT_EQ(length, member.size());
}

TEST(GzipMember, AFileOfWholeMembersEndsWhereItEnds) {
  std::string file;
  append_gzip_member(file, "first\n", 6);
  append_gzip_member(file, "second\n", 6);
  EXPECT_EQ(complete_end(file), file.size());
  EXPECT_EQ(complete_end(""), 0u);
}

TEST(GzipMember, AMemberCutShortIsNotComplete) {
  std::string file;
  append_gzip_member(file, "first\n", 6);
  const std::size_t whole = file.size();
  std::string text;
  for (int i = 0; i < 2000; ++i)
    text += "line " + std::to_string(i) + "\n";
  append_gzip_member(file, text, 6);
  // Cut anywhere in the second member: in its header, in its data, in its trailer.
  for (const std::size_t cut : {whole + 1, whole + 2, whole + 20, whole + 100, file.size() - 1})
    EXPECT_EQ(complete_end(file.substr(0, cut)), whole) << "cut at " << cut;
}

TEST(GzipMember, MembersWithoutTheLengthAreInflatedToFindTheirEnd) {
  // As another program, or an earlier Pyrolog, wrote them; then ours after them.
  std::string file = zlib_member("old one\n") + zlib_member("old two\n");
  const std::size_t old = file.size();
  append_gzip_member(file, "new\n", 6);
  EXPECT_EQ(complete_end(file), file.size());
  EXPECT_EQ(complete_end(file.substr(0, old - 3)), old - zlib_member("old two\n").size());
  EXPECT_EQ(gunzip(file), "old one\nold two\nnew\n");
}

TEST(GzipMember, WhatIsNotATruncatedMemberIsLeftAlone) {
  // Not gzip at all (the file was written without compression), or gzip that is corrupt rather than cut
  // short: nothing is cut.
  EXPECT_EQ(complete_end("plain text\n"), 11u);
  std::string corrupt = zlib_member("some text that is long enough to corrupt\n");
  corrupt[12] = static_cast<char>(corrupt[12] ^ 0x55);
  corrupt[13] = static_cast<char>(corrupt[13] ^ 0x55);
  std::string file;
  append_gzip_member(file, "fine\n", 6);
  EXPECT_EQ(complete_end(file + corrupt), file.size() + corrupt.size());
}

}  // namespace
}  // namespace pyrolog
