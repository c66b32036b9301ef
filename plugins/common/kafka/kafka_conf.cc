#include "kafka_conf.h"

#include <array>

#include <fmt/format.h>

namespace pyrolog::kafka {

std::optional<std::string> apply_properties(rd_kafka_conf_t* conf,
                                            const std::map<std::string, std::string>& properties) {
  std::array<char, 512> error{};
  for (const auto& [name, value] : properties) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error.data(), error.size()) !=
        RD_KAFKA_CONF_OK) {
      return fmt::format("librdkafka property '{}': {}", name, error.data());
    }
  }
  return std::nullopt;
}

}  // namespace pyrolog::kafka
