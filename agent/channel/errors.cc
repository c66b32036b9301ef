#include "channel/errors.h"

#include <string>

namespace pyrolog::channel {
namespace {

class Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "pyrolog.channel"; }
  std::string message(int value) const override {
    switch (static_cast<Errc>(value)) {
      case Errc::full:
        return "channel is full (max_bytes reached)";
      case Errc::frame_too_large:
        return "payload is larger than the channel's maximum frame size";
      case Errc::closed:
        return "channel is closed";
      case Errc::invalid_argument:
        return "invalid argument";
      case Errc::reader_busy:
        return "reader is already open";
      case Errc::no_such_reader:
        return "no such reader";
      case Errc::not_delivered:
        return "acknowledged a sequence number that was not delivered to this reader";
      case Errc::locked:
        return "channel directory is in use by another channel instance";
      case Errc::not_a_channel:
        return "not a channel directory";
    }
    return "unknown channel error";
  }
};

}  // namespace

const std::error_category& channel_category() noexcept {
  static const Category category;
  return category;
}

std::error_code make_error_code(Errc e) noexcept {
  return {static_cast<int>(e), channel_category()};
}

}  // namespace pyrolog::channel
