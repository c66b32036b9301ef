#include "dead_letter_file.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace pyrolog {
namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(DeadLetterFile, OneJsonLinePerMessage) {
  const kafka::Header headers[] = {{"service", "web"}};
  DeadLetterRecord r;
  r.topic = "logs";
  r.key = "k\"1";
  r.headers = headers;
  r.payload = "line with \"quotes\"\tand a tab";
  r.error = "MSG_SIZE_TOO_LARGE";
  r.reason = "Broker: Message size too large";
  r.time_ns = 1700000000000000000;
  EXPECT_EQ(
      DeadLetterFile::format(r),
      R"({"time":"2023-11-14T22:13:20.000000000Z","topic":"logs","key":"k\"1","error":"MSG_SIZE_TOO_LARGE",)"
      R"("reason":"Broker: Message size too large","headers":{"service":"web"},)"
      R"("message":"line with \"quotes\"\tand a tab"})");
  r.key.reset();
  EXPECT_NE(DeadLetterFile::format(r).find(R"("key":null)"), std::string::npos);
}

TEST(DeadLetterFile, AppendsAndCreatesTheDirectory) {
  const auto dir = std::filesystem::temp_directory_path() / ("pyrolog-dl-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    DeadLetterFile f(dir / "sub" / "dead.jsonl");
    ASSERT_FALSE(f.open());
    DeadLetterRecord r;
    r.topic = "t";
    r.payload = "one";
    ASSERT_FALSE(f.append(r));
    r.payload = "two";
    ASSERT_FALSE(f.append(r));
  }
  const auto text = read(dir / "sub" / "dead.jsonl");
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
  EXPECT_NE(text.find(R"("message":"one")"), std::string::npos);
  EXPECT_NE(text.find(R"("message":"two")"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(DeadLetterFile, OpenCutsOffALineACrashLeftHalfWritten) {
  const auto dir = std::filesystem::temp_directory_path() / ("pyrolog-dl-cut-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "dead.jsonl") << "{\"message\":\"whole\"}\n{\"mess";
  {
    DeadLetterFile f(dir / "dead.jsonl");
    ASSERT_FALSE(f.open());
    EXPECT_EQ(f.cut_at_open(), 6u);
    DeadLetterRecord r;
    r.topic = "t";
    r.payload = "again";
    ASSERT_FALSE(f.append(r));
  }
  const auto text = read(dir / "dead.jsonl");
  EXPECT_EQ(text.rfind("{\"message\":\"whole\"}\n{\"time\":", 0), 0u) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
  std::filesystem::remove_all(dir);
}

TEST(DeadLetterFile, ReportsWhatCannotBeOpened) {
  DeadLetterFile f("/proc/pyrolog-cannot-write-here/dead.jsonl");
  EXPECT_TRUE(f.open());
}

}  // namespace
}  // namespace pyrolog
