#include "inotify_watcher.h"

#include <cstring>
#include <fstream>
#include <future>
#include <sys/inotify.h>

#include <gtest/gtest.h>

#include "../support/fake_source_context.h"

namespace pyrolog {
namespace {

using testing::TempDir;

void append_record(std::vector<char>& buf, int wd, std::uint32_t mask, const std::string& name) {
  inotify_event ev{};
  ev.wd = wd;
  ev.mask = mask;
  ev.len = name.empty() ? 0 : static_cast<std::uint32_t>((name.size() + 1 + 15) / 16 * 16);
  const std::size_t at = buf.size();
  buf.resize(at + sizeof(ev) + ev.len, '\0');
  std::memcpy(buf.data() + at, &ev, sizeof(ev));
  std::memcpy(buf.data() + at + sizeof(ev), name.data(), name.size());
}

TEST(InotifyWatcher, DecodesOverflowAsARescan) {
  asio::io_context io;
  InotifyWatcher w(io.get_executor());
  std::vector<char> buf;
  append_record(buf, -1, IN_Q_OVERFLOW, "");
  const auto changes = w.decode(buf);
  EXPECT_TRUE(changes.overflow);
  EXPECT_TRUE(changes.rescan);
}

TEST(InotifyWatcher, DecodesWritesAndEntryChanges) {
  TempDir dir;
  asio::io_context io;
  InotifyWatcher w(io.get_executor());
  ASSERT_FALSE(w.watch(dir.path().string()));
  EXPECT_EQ(w.watched(), 1u);
  // The kernel numbers watches from 1 for a new inotify instance.
  std::vector<char> buf;
  append_record(buf, 1, IN_MODIFY, "a.log");
  auto changes = w.decode(buf);
  EXPECT_FALSE(changes.rescan);
  EXPECT_EQ(changes.modified, std::vector<std::string>{dir.path().string() + "/a.log"});
  buf.clear();
  append_record(buf, 1, IN_MOVED_FROM, "a.log");
  append_record(buf, 99, IN_MODIFY, "unknown-watch.log");
  changes = w.decode(buf);
  EXPECT_TRUE(changes.rescan);
  EXPECT_TRUE(changes.modified.empty());
  // A truncated record at the end is ignored, not read past.
  buf.resize(buf.size() - 3);
  EXPECT_NO_THROW(w.decode(buf));
}

TEST(InotifyWatcher, ReportsARealWrite) {
  TempDir dir;
  asio::io_context io;
  InotifyWatcher w(io.get_executor());
  ASSERT_FALSE(w.watch(dir.path().string()));
  std::ofstream(dir.path() / "a.log") << "line\n";
  std::optional<WatchChanges> got;
  asio::co_spawn(
      io, [&]() -> Awaitable<void> { got = co_await w.next(); }, asio::detached);
  io.run_for(std::chrono::seconds(5));
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->rescan);  // created
  EXPECT_EQ(got->modified, std::vector<std::string>{dir.path().string() + "/a.log"});
  EXPECT_FALSE(w.watch("/nonexistent-pyrolog-dir") == std::error_code{});
  w.retain({});
  EXPECT_EQ(w.watched(), 0u);
}

}  // namespace
}  // namespace pyrolog
