#include "channel/channel.h"

#include <condition_variable>
#include <mutex>

#include "channel/channel_core.h"

namespace pyrolog::channel {

Result<std::unique_ptr<Channel>> Channel::open(Options options) {
  auto core = detail::ChannelCore::open(std::move(options));
  if (!core) return core.error();
  return std::unique_ptr<Channel>(new Channel(std::move(*core)));
}

Channel::~Channel() {
  core_->close();
}

std::error_code Channel::try_append(std::span<const std::byte> payload, AppendCallback done,
                                    std::uint64_t* seq) {
  return core_->try_append(payload, std::move(done), seq);
}

Result<std::uint64_t> Channel::append_and_wait(std::span<const std::byte> payload) {
  struct Waiter {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    std::error_code error;
    std::uint64_t seq = 0;
  };
  auto waiter = std::make_shared<Waiter>();
  auto ec = core_->try_append(payload, [waiter](std::error_code error, std::uint64_t seq) {
    std::lock_guard lock(waiter->mu);
    waiter->done = true;
    waiter->error = error;
    waiter->seq = seq;
    waiter->cv.notify_all();
  });
  if (ec) return ec;
  std::unique_lock lock(waiter->mu);
  waiter->cv.wait(lock, [&] { return waiter->done; });
  if (waiter->error) return waiter->error;
  return waiter->seq;
}

Result<std::unique_ptr<Reader>> Channel::open_reader(std::string_view name) {
  auto slot = core_->attach_reader(name);
  if (!slot) return slot.error();
  return std::unique_ptr<Reader>(new Reader(core_, std::move(*slot)));
}

std::error_code Channel::remove_reader(std::string_view name) {
  return core_->remove_reader(name);
}

void Channel::set_space_available_callback(std::function<void()> callback) {
  core_->set_space_available_callback(std::move(callback));
}

std::error_code Channel::flush() {
  return core_->flush();
}

void Channel::close() {
  core_->close();
}

Stats Channel::stats() const {
  return core_->stats();
}

const std::vector<Event>& Channel::recovery_events() const noexcept {
  return core_->recovery_events();
}

const Options& Channel::options() const noexcept {
  return core_->options();
}

}  // namespace pyrolog::channel
