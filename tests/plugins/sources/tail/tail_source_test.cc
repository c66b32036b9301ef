#include "tail_source.h"

#include <gtest/gtest.h>

#include "tail_test_util.h"

namespace pyrolog {
namespace {

using namespace testing;
using Lines = std::vector<std::string>;

struct TailHarness {
  explicit TailHarness(const TempDir& dir, TailConfig config, bool hold_acks = false)
      : ctx(dir.path() / "state"), source(config) {
    ctx.hold_acks(hold_acks);
    runner = std::make_unique<SourceRunner<TailSource>>(source, ctx);
  }
  FakeSourceContext ctx;
  TailSource source;
  std::unique_ptr<SourceRunner<TailSource>> runner;
};

class TailSourceTest : public ::testing::Test {
 protected:
  void SetUp() override { std::filesystem::create_directories(dir.path() / "logs"); }
  std::string log(const std::string& name) const { return (dir.path() / "logs" / name).string(); }
  TempDir dir;
};

TEST_F(TailSourceTest, ReadsExistingAndAppendedLinesWithPathAndOffset) {
  append(log("a.log"), "one\ntwo\n");
  TailHarness h(dir, tail_config(dir));
  ASSERT_TRUE(h.ctx.wait_for_lines(2));
  append(log("a.log"), "three\n");
  append(log("b.log"), "bee\n");
  ASSERT_TRUE(h.ctx.wait_for_lines(4));
  auto records = h.ctx.records();
  std::sort(records.begin(), records.end(), [](auto& a, auto& b) { return a.path + a.raw < b.path + b.raw; });
  EXPECT_EQ(records[0].raw, "one");
  EXPECT_EQ(records[0].path, log("a.log"));
  EXPECT_EQ(records[0].offset, 0);
  EXPECT_EQ(records[1].raw, "three");
  EXPECT_EQ(records[1].offset, 8);
  EXPECT_EQ(records[2].raw, "two");
  EXPECT_EQ(records[2].offset, 4);
  EXPECT_EQ(records[3].path, log("b.log"));
  ASSERT_TRUE(h.runner->stop());
  const auto positions = saved_positions(dir);
  ASSERT_EQ(positions.size(), 2u);
  for (const auto& p : positions)
    EXPECT_EQ(p.offset, p.path == log("a.log") ? 14u : 4u);
}

TEST_F(TailSourceTest, APartialLastLineIsNeitherEmittedNorCommittedUntilItsNewline) {
  append(log("a.log"), "whole\npart");
  {
    TailHarness h(dir, tail_config(dir));
    ASSERT_TRUE(h.ctx.wait_for_lines(1));
    ASSERT_TRUE(
        eventually([&] { return !saved_positions(dir).empty() && saved_positions(dir)[0].offset == 6; }));
    ASSERT_TRUE(h.runner->stop());
    EXPECT_EQ(h.ctx.lines(), Lines{"whole"});
  }
  EXPECT_EQ(saved_positions(dir).at(0).offset, 6u);
  append(log("a.log"), "ial\n");
  TailHarness h(dir, tail_config(dir));
  ASSERT_TRUE(h.ctx.wait_for_lines(1));
  EXPECT_EQ(h.ctx.lines(), Lines{"partial"});  // whole after a restart, not cut in two
}

TEST_F(TailSourceTest, PartialLineTimeoutEmitsItAfterIdling) {
  append(log("a.log"), "no newline");
  auto c = tail_config(dir);
  c.partial_line_timeout = std::chrono::milliseconds(300);
  TailHarness h(dir, c);
  ASSERT_TRUE(h.ctx.wait_for_lines(1));
  EXPECT_EQ(h.ctx.lines(), Lines{"no newline"});
}

TEST_F(TailSourceTest, RenameRotationReadsTheOldFileToItsEndThenReleasesIt) {
  append(log("app.log"), "old 1\n");
  TailHarness h(dir, tail_config(dir));
  ASSERT_TRUE(h.ctx.wait_for_lines(1));
  std::filesystem::rename(log("app.log"), log("app.log.1"));
  append(log("app.log"), "new 1\n");
  append(log("app.log.1"), "old 2 (written after the rename)\n");
  ASSERT_TRUE(h.ctx.wait_for_lines(3));
  append(log("app.log"), "new 2\n");
  ASSERT_TRUE(h.ctx.wait_for_lines(4));
  auto lines = h.ctx.lines();
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (Lines{"new 1", "new 2", "old 1", "old 2 (written after the rename)"}));
  ASSERT_TRUE(eventually([&] { return !process_has_open(log("app.log.1")); }))
      << "the rotated file is released";
  EXPECT_GE(h.ctx.counter("pyrolog_tail_rotations_total"), 1u);
  EXPECT_GE(h.ctx.counter("pyrolog_tail_files_released_total"), 1u);
}

TEST_F(TailSourceTest, CopytruncateReadsTheRestFromTheCopyAndTheNewContentFromZero) {
  auto c = tail_config(dir);
  c.fingerprint_bytes = 16;
  append(log("app.log"), "line 0001 first\n");
  TailHarness h(dir, c);
  ASSERT_TRUE(h.ctx.wait_for_lines(1));
  h.ctx.close_gate();  // hold the source so it cannot see the writes before the truncation
  append(log("app.log"), "line 0002 x\n");
  ASSERT_TRUE(eventually([&] { return h.ctx.someone_waits_at_the_gate(); }));
  append(log("app.log"), "line 0003 not yet read when truncated\n");
  std::filesystem::copy_file(log("app.log"), log("app.log.1"));
  ASSERT_EQ(::truncate(log("app.log").c_str(), 0), 0);
  append(log("app.log"), "after truncation\n");
  h.ctx.open_gate();
  ASSERT_TRUE(h.ctx.wait_for_lines(4));
  auto lines = h.ctx.lines();
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (Lines{"after truncation", "line 0001 first", "line 0002 x",
                          "line 0003 not yet read when truncated"}));
  EXPECT_EQ(h.ctx.counter("pyrolog_tail_truncations_total"), 1u);
  EXPECT_EQ(h.ctx.counter("pyrolog_tail_copies_recovered_total"), 1u);
}

TEST_F(TailSourceTest, TruncationWithoutACopyStartsAgainAtZero) {
  append(log("app.log"), "a long first line before truncation\n");
  TailHarness h(dir, tail_config(dir));
  ASSERT_TRUE(h.ctx.wait_for_lines(1));
  ASSERT_EQ(::truncate(log("app.log").c_str(), 0), 0);
  append(log("app.log"), "short\n");
  ASSERT_TRUE(h.ctx.wait_for_lines(2));
  EXPECT_EQ(h.ctx.lines(), (Lines{"a long first line before truncation", "short"}));
  EXPECT_EQ(h.ctx.records()[1].offset, 0);
  ASSERT_TRUE(eventually([&] {
    auto p = saved_positions(dir);
    return p.size() == 1 && p[0].offset == 6;
  }));
}

TEST_F(TailSourceTest, ADeletedFileIsReadToItsEndAndReleased) {
  append(log("gone.log"), "1\n");
  // The writer below appends after the deletion; rotate_wait must outlast the gap between the two, which a
  // loaded machine under TSan stretched past the usual 200 ms (the file was released before the write).
  TailConfig config = tail_config(dir);
  config.rotate_wait = std::chrono::seconds(2);
  TailHarness h(dir, config);
  ASSERT_TRUE(h.ctx.wait_for_lines(1));
  {
    // A writer still holds it and writes after the deletion.
    const int fd = ::open(log("gone.log").c_str(), O_WRONLY | O_APPEND);
    ASSERT_GE(fd, 0);
    std::filesystem::remove(log("gone.log"));
    ASSERT_EQ(::write(fd, "2\n", 2), 2);
    ::close(fd);
  }
  ASSERT_TRUE(h.ctx.wait_for_lines(2));
  EXPECT_EQ(h.ctx.lines(), (Lines{"1", "2"}));
  ASSERT_TRUE(eventually([&] { return !process_has_open(log("gone.log")); }));
  ASSERT_TRUE(eventually([&] { return saved_positions(dir).empty(); }));  // forgotten once released
}

TEST_F(TailSourceTest, ResumesFromSavedPositionsAfterARestart) {
  append(log("a.log"), "1\n2\n");
  {
    TailHarness h(dir, tail_config(dir));
    ASSERT_TRUE(h.ctx.wait_for_lines(2));
    ASSERT_TRUE(h.runner->stop());
  }
  append(log("a.log"), "3\n");
  TailHarness h(dir, tail_config(dir));
  ASSERT_TRUE(h.ctx.wait_for_lines(1));
  ASSERT_TRUE(h.runner->stop());
  EXPECT_EQ(h.ctx.lines(), Lines{"3"});
}

TEST_F(TailSourceTest, PositionsMoveOnlyWithAcknowledgements) {
  append(log("a.log"), "1\n");
  {
    TailHarness h(dir, tail_config(dir), /*hold_acks=*/true);
    ASSERT_TRUE(h.ctx.wait_for_lines(1));
    append(log("a.log"), "2\n");
    ASSERT_TRUE(h.ctx.wait_for_lines(2));
    ASSERT_EQ(h.ctx.held(), 2u);
    h.ctx.ack(1);                                                 // the second batch first: nothing may move
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // several commit intervals
    auto p = saved_positions(dir);
    EXPECT_TRUE(p.empty() || p[0].offset == 0);
    h.ctx.ack(0);
    ASSERT_TRUE(eventually([&] {
      auto q = saved_positions(dir);
      return !q.empty() && q[0].offset == 4;
    }));
    append(log("a.log"), "3\n");
    ASSERT_TRUE(h.ctx.wait_for_lines(3));
    h.ctx.ack_all(false);  // not delivered
    ASSERT_TRUE(h.runner->stop());
  }
  EXPECT_EQ(saved_positions(dir).at(0).offset, 4u);
  TailHarness h(dir, tail_config(dir));
  ASSERT_TRUE(h.ctx.wait_for_lines(1));
  EXPECT_EQ(h.ctx.lines(), Lines{"3"});  // read again
}

TEST_F(TailSourceTest, AReusedInodeWithOtherContentIsANewFile) {
  append(log("a.log"), "the original content, long\n");
  {
    TailHarness h(dir, tail_config(dir));
    ASSERT_TRUE(h.ctx.wait_for_lines(1));
    ASSERT_TRUE(h.runner->stop());
  }
  // What the saved position says is this inode, with other first bytes: as if the file was deleted and its
  // inode came back for a new one (the end-to-end test does it for real).
  std::filesystem::remove(log("a.log"));
  append(log("a.log"), "brand new content that is longer than before\n");
  auto p = saved_positions(dir);
  ASSERT_EQ(p.size(), 1u);
  p[0].identity.ino = inode_of(log("a.log"));
  ASSERT_FALSE(files::PositionStore(dir.path() / "state" / "positions.json").save(p));
  TailHarness h(dir, tail_config(dir));
  ASSERT_TRUE(h.ctx.wait_for_lines(1));
  EXPECT_EQ(h.ctx.lines(), Lines{"brand new content that is longer than before"});
}

TEST_F(TailSourceTest, ARotationWhileStoppedIsFollowedOnRestart) {
  append(log("app.log"), "1\n");
  {
    TailHarness h(dir, tail_config(dir));
    ASSERT_TRUE(h.ctx.wait_for_lines(1));
    ASSERT_TRUE(h.runner->stop());
  }
  append(log("app.log"), "2 unread when rotated\n");
  std::filesystem::rename(log("app.log"), log("app.log.1"));
  append(log("app.log"), "3 new file\n");
  TailHarness h(dir, tail_config(dir));
  ASSERT_TRUE(h.ctx.wait_for_lines(2));
  auto lines = h.ctx.lines();
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (Lines{"2 unread when rotated", "3 new file"}));
}

TEST_F(TailSourceTest, ARotatedFileIsFoundWhereItWentAfterARestart) {
  append(log("app.log"), "1\n");
  auto c = tail_config(dir);
  c.rotate_wait = std::chrono::seconds(60);  // still being finished when the agent stops
  {
    TailHarness h(dir, c);
    ASSERT_TRUE(h.ctx.wait_for_lines(1));
    std::filesystem::create_directories(dir.path() / "logs/old");
    std::filesystem::rename(log("app.log"), log("old/app.log.1"));  // logrotate's olddir
    append(log("app.log"), "2 new\n");
    ASSERT_TRUE(h.ctx.wait_for_lines(2));
    ASSERT_TRUE(eventually([&] {
      for (const auto& p : saved_positions(dir)) {
        if (p.path == log("old/app.log.1")) return true;
      }
      return false;
    }));
    ASSERT_TRUE(h.runner->stop());
  }
  append(log("old/app.log.1"), "3 written to the old file while the agent was down\n");
  TailHarness h(dir, c);
  ASSERT_TRUE(h.ctx.wait_for_lines(1));
  EXPECT_EQ(h.ctx.lines(), Lines{"3 written to the old file while the agent was down"});
}

TEST_F(TailSourceTest, ACopytruncateWhileStoppedIsFollowedOnRestart) {
  auto c = tail_config(dir);
  c.fingerprint_bytes = 16;
  append(log("app.log"), "1 the first line\n");
  {
    TailHarness h(dir, c);
    ASSERT_TRUE(h.ctx.wait_for_lines(1));
    ASSERT_TRUE(h.runner->stop());
  }
  append(log("app.log"), "2 unread when copied\n");
  std::filesystem::copy_file(log("app.log"), log("app.log.1"));
  ASSERT_EQ(::truncate(log("app.log").c_str(), 0), 0);
  append(log("app.log"), "3 after the truncation, long enough\n");
  TailHarness h(dir, c);
  ASSERT_TRUE(h.ctx.wait_for_lines(2));
  auto lines = h.ctx.lines();
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (Lines{"2 unread when copied", "3 after the truncation, long enough"}));
}

TEST_F(TailSourceTest, ReadFromEndAtTheFirstStartOnly) {
  append(log("a.log"), "old\nlines\npart");
  auto c = tail_config(dir);
  c.read_from = ReadFrom::end;
  {
    TailHarness h(dir, c);
    ASSERT_TRUE(eventually([&] { return !saved_positions(dir).empty(); }));
    append(log("a.log"), "ial\nnew\n");
    ASSERT_TRUE(h.ctx.wait_for_lines(2));
    EXPECT_EQ(h.ctx.lines(), (Lines{"partial", "new"}));
    append(log("b.log"), "a file that appears later is read from its start\n");
    ASSERT_TRUE(h.ctx.wait_for_lines(3));
    ASSERT_TRUE(h.runner->stop());
  }
  append(log("c.log"), "unknown at restart: from its start\n");
  TailHarness h(dir, c);
  ASSERT_TRUE(h.ctx.wait_for_lines(1));
  EXPECT_EQ(h.ctx.lines(), Lines{"unknown at restart: from its start"});
}

TEST_F(TailSourceTest, ManyFilesWithFewDescriptors) {
  for (int i = 0; i < 200; ++i)
    append(log("f" + std::to_string(i) + ".log"), "first " + std::to_string(i) + "\n");
  auto c = tail_config(dir);
  c.max_open_files = 16;
  TailHarness h(dir, c);
  ASSERT_TRUE(h.ctx.wait_for_lines(200));
  for (int i = 0; i < 200; ++i)
    append(log("f" + std::to_string(i) + ".log"), "second " + std::to_string(i) + "\n");
  ASSERT_TRUE(h.ctx.wait_for_lines(400, std::chrono::seconds(20)));
  EXPECT_LE(h.ctx.counter("pyrolog_tail_files_open"), 16u);
  auto lines = h.ctx.lines();
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(std::unique(lines.begin(), lines.end()), lines.end()) << "no line twice";
}

TEST_F(TailSourceTest, IdleFilesAreClosedAndOpenedAgainWhenTheyChange) {
  append(log("quiet.log"), "1\n");
  auto c = tail_config(dir);
  c.idle_timeout = std::chrono::milliseconds(200);
  TailHarness h(dir, c);
  ASSERT_TRUE(h.ctx.wait_for_lines(1));
  ASSERT_TRUE(eventually([&] { return !process_has_open(log("quiet.log")); })) << "closed while idle";
  append(log("quiet.log"), "2\n");
  ASSERT_TRUE(h.ctx.wait_for_lines(2));
  EXPECT_EQ(h.ctx.lines(), (Lines{"1", "2"}));
}

TEST_F(TailSourceTest, FilesBeyondMaxFilesAreLeftOutAndCounted) {
  for (int i = 0; i < 10; ++i)
    append(log("f" + std::to_string(i) + ".log"), "x\n");
  auto c = tail_config(dir);
  c.max_files = 4;
  TailHarness h(dir, c);
  ASSERT_TRUE(h.ctx.wait_for_lines(4));
  ASSERT_TRUE(eventually([&] { return h.ctx.counter("pyrolog_tail_files_over_limit_total") >= 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // several scans: still four
  EXPECT_EQ(h.ctx.lines().size(), 4u);
}

TEST_F(TailSourceTest, PollingAloneFindsNewFilesAndAppends) {
  auto c = tail_config(dir, "logs/**/*.log");
  c.inotify = false;
  TailHarness h(dir, c);
  std::filesystem::create_directories(dir.path() / "logs/deep/er");
  append(log("deep/er/x.log"), "found by the scan\n");
  ASSERT_TRUE(h.ctx.wait_for_lines(1));
  append(log("deep/er/x.log"), "appended\n");
  ASSERT_TRUE(h.ctx.wait_for_lines(2));
  EXPECT_EQ(h.ctx.lines(), (Lines{"found by the scan", "appended"}));
}

TEST_F(TailSourceTest, MultilineGroupsAndTheLastEventFlushesAfterTheTimeout) {
  auto c = tail_config(dir);
  c.multiline.start_pattern = "^\\d{4}-";
  c.multiline.timeout = std::chrono::milliseconds(200);
  append(log("app.log"), "2024-01-01 boom\njava.lang.Error: x\n\tat a.b(C.java:1)\n2024-01-01 next\n");
  TailHarness h(dir, c);
  ASSERT_TRUE(h.ctx.wait_for_lines(2));
  EXPECT_EQ(h.ctx.lines(),
            (Lines{"2024-01-01 boom\njava.lang.Error: x\n\tat a.b(C.java:1)", "2024-01-01 next"}));
  EXPECT_EQ(h.ctx.records()[1].offset, 53);
}

TEST_F(TailSourceTest, OverlongLinesAndBinaryGarbageAreCountedNotFatal) {
  auto c = tail_config(dir);
  c.max_line_bytes = ByteSize{1024};
  c.invalid_utf8 = files::Utf8Mode::replace;
  std::string garbage;
  for (int i = 0; i < 100000; ++i) {
    const char b = static_cast<char>((i * 7919 + 13) % 256);
    garbage += b == '\n' ? '\xff' : b;  // one line of 100,000 bytes
  }
  append(log("bin.log"), garbage + "\nafter\n");
  TailHarness h(dir, c);
  ASSERT_TRUE(
      h.ctx.wait_for([](const std::vector<Record>& r) { return !r.empty() && r.back().raw == "after"; }));
  for (const auto& line : h.ctx.lines())
    EXPECT_LE(line.size(), 3u * 1024);  // replacements widen bytes
  EXPECT_GE(h.ctx.counter("pyrolog_component_discarded_events_total"), 1u);
  EXPECT_GE(h.ctx.counter("pyrolog_file_invalid_utf8_events_total"), 1u);
}

TEST_F(TailSourceTest, BackpressureStopsReadingAndStopWaitsForTheSubmitInFlight) {
  auto c = tail_config(dir);
  c.read_buffer_bytes = ByteSize{4096};
  std::string lots;
  for (int i = 0; i < 10000; ++i)
    lots += "line " + std::to_string(i) + "\n";
  append(log("a.log"), lots);
  TailHarness h(dir, c);
  h.ctx.close_gate();
  ASSERT_TRUE(eventually([&] { return h.ctx.someone_waits_at_the_gate(); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_LE(h.ctx.batches(), 1u);  // one batch at most went through before the gate closed
  std::thread opener([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    h.ctx.open_gate();
  });
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(h.runner->stop());
  EXPECT_GE(std::chrono::steady_clock::now() - start,
            std::chrono::milliseconds(150));  // waited for the submit
  opener.join();
  EXPECT_LT(h.ctx.lines().size(), 10000u);  // stopped promptly, not after reading everything
}

}  // namespace
}  // namespace pyrolog
