#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "../support/fake_source_context.h"
#include "config/parse_context.h"
#include "file_input/position_store.h"
#include "spool_dir_source.h"
#include "spool_listing.h"

namespace pyrolog {
namespace {

using namespace testing;
using Lines = std::vector<std::string>;

class SpoolDirTest : public ::testing::Test {
 protected:
  void SetUp() override { std::filesystem::create_directories(spool()); }
  std::filesystem::path spool() const { return dir.path() / "spool"; }
  std::string file(const std::string& name) const { return (spool() / name).string(); }
  // Drops a complete file in, the way producers should: written aside, renamed in.
  void drop(const std::string& name, const std::string& text, int age_seconds = 0) {
    const auto tmp = spool() / ("." + name + ".tmp");
    std::ofstream(tmp, std::ios::binary) << text;
    if (age_seconds > 0) {
      const auto t = std::filesystem::file_time_type::clock::now() - std::chrono::seconds(age_seconds);
      std::filesystem::last_write_time(tmp, t);
    }
    std::filesystem::rename(tmp, spool() / name);
  }
  SpoolDirConfig config() const {
    SpoolDirConfig c;
    c.path = spool().string();
    c.poll_interval = std::chrono::milliseconds(50);
    c.commit_interval = std::chrono::milliseconds(50);
    return c;
  }
  bool exists(const std::string& name) const { return std::filesystem::exists(spool() / name); }
  std::vector<files::FilePosition> positions() const {
    return files::PositionStore(dir.path() / "state" / "positions.json").load().positions;
  }
  TempDir dir;
};

struct SpoolHarness {
  SpoolHarness(const TempDir& dir, const SpoolDirConfig& config, bool hold = false)
      : ctx(dir.path() / "state"), source(config) {
    ctx.hold_acks(hold);
    runner = std::make_unique<SourceRunner<SpoolDirSource>>(source, ctx);
  }
  FakeSourceContext ctx;
  SpoolDirSource source;
  std::unique_ptr<SourceRunner<SpoolDirSource>> runner;
};

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

TEST_F(SpoolDirTest, ReadsFilesOldestFirstAndRenamesThemWhenDone) {
  drop("b.log", "b1\nb2\n", 100);
  drop("a.log", "a1\na2 without newline", 50);
  drop(".hidden", "never\n");
  drop("c.tmp", "ignored\n");
  auto c = config();
  c.ignore = {"*.tmp"};
  SpoolHarness h(dir, c);
  ASSERT_TRUE(h.ctx.wait_for_lines(4));
  ASSERT_TRUE(eventually([&] { return exists("a.log.COMPLETED") && exists("b.log.COMPLETED"); }));
  EXPECT_EQ(h.ctx.lines(), (Lines{"b1", "b2", "a1", "a2 without newline"}));
  const auto records = h.ctx.records();
  EXPECT_EQ(records[1].path, file("b.log"));
  EXPECT_EQ(records[1].offset, 3);
  EXPECT_TRUE(exists(".hidden"));
  EXPECT_TRUE(exists("c.tmp"));
  drop("d.log", "d1\n");  // while running
  ASSERT_TRUE(eventually([&] { return exists("d.log.COMPLETED"); }));
  EXPECT_EQ(h.ctx.lines().back(), "d1");
  ASSERT_TRUE(h.runner->stop());
  EXPECT_TRUE(positions().empty());
}

TEST_F(SpoolDirTest, OrderByName) {
  drop("2.log", "two\n", 100);
  drop("1.log", "one\n", 10);
  auto c = config();
  c.order = SpoolOrder::name;
  SpoolHarness h(dir, c);
  ASSERT_TRUE(h.ctx.wait_for_lines(2));
  EXPECT_EQ(h.ctx.lines(), (Lines{"one", "two"}));
}

TEST_F(SpoolDirTest, AFileIsRenamedOnlyWhenEveryLineIsAcknowledged) {
  drop("a.log", "1\n2\n");
  auto c = config();
  c.read_buffer_bytes = ByteSize{4096};
  SpoolHarness h(dir, c, /*hold=*/true);
  ASSERT_TRUE(h.ctx.wait_for_lines(2));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_TRUE(exists("a.log"));
  h.ctx.ack_all();
  ASSERT_TRUE(eventually([&] { return exists("a.log.COMPLETED"); }));
}

TEST_F(SpoolDirTest, AnInterruptedFileResumesAtItsAcknowledgedPosition) {
  std::string text;
  for (int i = 0; i < 3000; ++i)
    text += "line " + std::to_string(i) + "\n";
  drop("big.log", text);
  auto c = config();
  c.read_buffer_bytes = ByteSize{4096};
  std::size_t first_batch_lines = 0;
  {
    SpoolHarness h(dir, c, /*hold=*/true);
    ASSERT_TRUE(eventually([&] { return h.ctx.held() >= 3; }));
    h.ctx.ack(0);  // only the first batch is delivered
    ASSERT_TRUE(h.runner->stop());
    first_batch_lines = h.ctx.lines().size();
    // The others are never delivered (as if the agent died).
    h.ctx.ack_all(false);
  }
  ASSERT_EQ(positions().size(), 1u);
  const auto offset = positions()[0].offset;
  EXPECT_GT(offset, 0u);
  EXPECT_LT(offset, text.size());
  SpoolHarness h(dir, c);
  ASSERT_TRUE(eventually([&] { return exists("big.log.COMPLETED"); }));
  const auto lines = h.ctx.lines();
  ASSERT_FALSE(lines.empty());
  // It goes on exactly after the acknowledged bytes.
  EXPECT_EQ(h.ctx.records()[0].offset, static_cast<std::int64_t>(offset));
  EXPECT_EQ(lines.back(), "line 2999");
  EXPECT_GT(first_batch_lines, 0u);
}

TEST_F(SpoolDirTest, AFileThatChangesAfterPickupIsSetAsideAndTheRestGoesOn) {
  std::string text;
  for (int i = 0; i < 2000; ++i)
    text += "x " + std::to_string(i) + "\n";
  drop("a.log", text, 100);
  drop("b.log", "b\n", 10);
  auto c = config();
  c.read_buffer_bytes = ByteSize{4096};
  FakeSourceContext* ctx = nullptr;
  SpoolHarness h(dir, c);
  ctx = &h.ctx;
  ctx->close_gate();
  ASSERT_TRUE(eventually([&] { return ctx->someone_waits_at_the_gate(); }));
  std::ofstream(file("a.log"), std::ios::app) << "appended after pickup\n";
  ctx->open_gate();
  ASSERT_TRUE(eventually([&] { return exists("a.log.CHANGED") && exists("b.log.COMPLETED"); }));
  EXPECT_EQ(h.ctx.lines().back(), "b");
  EXPECT_EQ(h.ctx.counter("pyrolog_spool_dir_files_changed_total"), 1u);
}

TEST_F(SpoolDirTest, DeleteWhenDone) {
  drop("a.log", "a\n");
  auto c = config();
  c.completed = SpoolCompletion::remove;
  SpoolHarness h(dir, c);
  ASSERT_TRUE(eventually([&] { return !exists("a.log"); }));
  EXPECT_FALSE(exists("a.log.COMPLETED"));
  EXPECT_EQ(h.ctx.lines(), Lines{"a"});
}

TEST_F(SpoolDirTest, AFileNotDeliveredStaysInPlace) {
  drop("a.log", "a\n");
  drop("b.log", "b\n");
  SpoolHarness h(dir, config(), /*hold=*/true);
  ASSERT_TRUE(eventually([&] { return h.ctx.held() >= 1; }));
  h.ctx.ack_all(false);
  ASSERT_TRUE(eventually([&] { return h.ctx.held() >= 1; }));  // the next file
  h.ctx.ack_all(true);
  ASSERT_TRUE(eventually([&] { return exists("b.log.COMPLETED") || exists("a.log.COMPLETED"); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  // Exactly one of them completed: the failed one waits for a restart.
  EXPECT_NE(exists("a.log.COMPLETED"), exists("b.log.COMPLETED"));
  EXPECT_EQ(h.ctx.counter("pyrolog_spool_dir_files_failed_total"), 1u);
}

TEST_F(SpoolDirTest, AMissingDirectoryIsAClearErrorAtOpen) {
  auto c = config();
  c.path = (dir.path() / "nope").string();
  FakeSourceContext ctx(dir.path() / "state");
  SpoolDirSource source(c);
  try {
    source.open(ctx);
    FAIL() << "open succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("nope: No such file or directory"), std::string::npos) << e.what();
  }
}

TEST(SpoolListing, TakesWhatTheRulesSay) {
  SpoolDirConfig c;
  c.include = {"*.log", "*.txt"};
  c.ignore = {"skip*"};
  EXPECT_TRUE(spool_takes(c, "a.log"));
  EXPECT_FALSE(spool_takes(c, "a.csv"));
  EXPECT_FALSE(spool_takes(c, ".a.log"));
  EXPECT_FALSE(spool_takes(c, "skip.log"));
  EXPECT_FALSE(spool_takes(c, "a.log.COMPLETED"));
  EXPECT_FALSE(spool_takes(c, "a.log.CHANGED"));
}

std::string problems(const std::string& yaml, SpoolDirConfig* out = nullptr) {
  config::Diagnostics diagnostics;
  config::ParseContext ctx{"test.yaml", &diagnostics, [](const std::string&) { return std::nullopt; }};
  SpoolDirConfig c;
  SpoolDirConfig::options().parse(YAML::Load(yaml), c, ctx, "sources.spool", {"type"});
  if (out != nullptr) *out = c;
  return diagnostics.to_string();
}

TEST(SpoolDirConfig, DefaultsAndBadValues) {
  SpoolDirConfig c;
  EXPECT_EQ(problems("path: /var/spool/x", &c), "");
  EXPECT_EQ(c.include, std::vector<std::string>{"*"});
  EXPECT_EQ(c.order, SpoolOrder::oldest);
  EXPECT_EQ(c.completed, SpoolCompletion::rename);
  EXPECT_EQ(c.completed_suffix, ".COMPLETED");
  EXPECT_EQ(c.changed_suffix, ".CHANGED");
  EXPECT_EQ(problems("path: /x\ncompleted: delete\norder: name", &c), "");
  EXPECT_EQ(c.completed, SpoolCompletion::remove);
  EXPECT_NE(problems("order: name").find("missing required option 'path'"), std::string::npos);
  EXPECT_NE(problems("path: /x\ncompleted: archive").find("completed"), std::string::npos);
  EXPECT_NE(problems("path: /x\ncompleted_suffix: ''").find("non-empty"), std::string::npos);
  EXPECT_NE(problems("path: /x\nchanged_suffix: .COMPLETED").find("must differ"), std::string::npos);
}

}  // namespace
}  // namespace pyrolog
