#include "channel/crc32c.h"

#include <random>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "test_util.h"

namespace pyrolog::channel {
namespace {

using testing::as_bytes;

struct Vector {
  std::string_view input;
  std::uint32_t crc;
};

// Known answers: RFC 3720 (iSCSI) appendix B.4 and the usual check value.
std::vector<std::vector<std::byte>> rfc3720_inputs(std::vector<std::uint32_t>& crcs) {
  std::vector<std::vector<std::byte>> inputs;
  inputs.emplace_back(32, std::byte{0x00});
  crcs.push_back(0x8A9136AAu);
  inputs.emplace_back(32, std::byte{0xFF});
  crcs.push_back(0x62A8AB43u);
  std::vector<std::byte> ascending(32);
  std::vector<std::byte> descending(32);
  for (std::size_t i = 0; i < 32; ++i) {
    ascending[i] = static_cast<std::byte>(i);
    descending[i] = static_cast<std::byte>(31 - i);
  }
  inputs.push_back(ascending);
  crcs.push_back(0x46DD794Eu);
  inputs.push_back(descending);
  crcs.push_back(0x113FDB5Cu);
  return inputs;
}

TEST(Crc32c, KnownVectorsPortable) {
  EXPECT_EQ(crc32c_extend_portable(0, as_bytes("123456789")), 0xE3069283u);
  EXPECT_EQ(crc32c_extend_portable(0, as_bytes("")), 0u);
  EXPECT_EQ(crc32c_extend_portable(0, as_bytes("a")), 0xC1D04330u);
  std::vector<std::uint32_t> crcs;
  const auto inputs = rfc3720_inputs(crcs);
  for (std::size_t i = 0; i < inputs.size(); ++i)
    EXPECT_EQ(crc32c_extend_portable(0, inputs[i]), crcs[i]) << i;
}

TEST(Crc32c, KnownVectorsHardware) {
  if (!crc32c_hardware_available()) GTEST_SKIP() << "this CPU has no SSE4.2 crc32 instruction";
  EXPECT_EQ(crc32c_extend_hardware(0, as_bytes("123456789")), 0xE3069283u);
  EXPECT_EQ(crc32c_extend_hardware(0, as_bytes("")), 0u);
  EXPECT_EQ(crc32c_extend_hardware(0, as_bytes("a")), 0xC1D04330u);
  std::vector<std::uint32_t> crcs;
  const auto inputs = rfc3720_inputs(crcs);
  for (std::size_t i = 0; i < inputs.size(); ++i)
    EXPECT_EQ(crc32c_extend_hardware(0, inputs[i]), crcs[i]) << i;
}

TEST(Crc32c, DispatchMatchesKnownVector) {
  EXPECT_EQ(crc32c(as_bytes("123456789")), 0xE3069283u);
}

TEST(Crc32c, ImplementationsAgreeOnRandomDataAllLengthsAndAlignments) {
  std::mt19937_64 rng(42);
  std::vector<std::byte> data(4096 + 16);
  for (auto& b : data)
    b = static_cast<std::byte>(rng() & 0xFFu);
  for (std::size_t offset = 0; offset < 8; ++offset) {
    for (std::size_t length = 0; length < 300; ++length) {
      const auto span = std::span(data).subspan(offset, length);
      const std::uint32_t portable = crc32c_extend_portable(0, span);
      EXPECT_EQ(crc32c(span), portable);
      if (crc32c_hardware_available()) {
        EXPECT_EQ(crc32c_extend_hardware(0, span), portable);
      }
    }
  }
  EXPECT_EQ(crc32c(std::span(data).first(4096)), crc32c_extend_portable(0, std::span(data).first(4096)));
}

// The hardware path runs three interleaved streams over 3 x 4 KiB blocks and combines them: check the lengths
// around those boundaries, and a non-zero starting CRC.
TEST(Crc32c, ImplementationsAgreeAroundTheInterleavedBlockSizes) {
  std::mt19937_64 rng(43);
  std::vector<std::byte> data(5 * 12288 + 64);
  for (auto& b : data)
    b = static_cast<std::byte>(rng() & 0xFFu);
  for (const std::size_t base : {std::size_t{12288}, std::size_t{2 * 12288}, std::size_t{4 * 12288}}) {
    for (std::size_t length = base - 9; length <= base + 17; ++length) {
      const auto span = std::span(data).subspan(3, length);
      const std::uint32_t portable = crc32c_extend_portable(0x12345678u, span);
      EXPECT_EQ(crc32c_extend(0x12345678u, span), portable) << length;
      if (crc32c_hardware_available()) {
        EXPECT_EQ(crc32c_extend_hardware(0x12345678u, span), portable) << length;
      }
    }
  }
  std::vector<std::byte> zeros(65536);
  EXPECT_EQ(crc32c(zeros), crc32c_extend_portable(0, zeros));
}

TEST(Crc32c, ExtendEqualsWhole) {
  const auto whole = as_bytes("hello, crc32c world: extend me in pieces");
  for (std::size_t cut = 0; cut <= whole.size(); ++cut) {
    const std::uint32_t first = crc32c(whole.first(cut));
    EXPECT_EQ(crc32c_extend(first, whole.subspan(cut)), crc32c(whole));
    EXPECT_EQ(crc32c_extend_portable(crc32c_extend_portable(0, whole.first(cut)), whole.subspan(cut)),
              crc32c(whole));
  }
}

}  // namespace
}  // namespace pyrolog::channel
