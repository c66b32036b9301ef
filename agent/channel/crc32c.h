#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace pyrolog::channel {

// CRC-32C (Castagnoli; reflected polynomial 0x82F63B78), the checksum of iSCSI, ext4 and LevelDB.
// crc32c("123456789") == 0xE3069283, and crc32c_extend(crc32c(a), b) == crc32c(a followed by b).
// Uses the SSE4.2 `crc32` instruction when the CPU has it (checked once at run time), a slicing-by-8 table
// otherwise. All functions are pure and thread-safe.
std::uint32_t crc32c(std::span<const std::byte> data) noexcept;
std::uint32_t crc32c_extend(std::uint32_t crc, std::span<const std::byte> data) noexcept;

// The two implementations, exposed for tests and benchmarks.
std::uint32_t crc32c_extend_portable(std::uint32_t crc, std::span<const std::byte> data) noexcept;
// Precondition: crc32c_hardware_available(). Falls back to the portable code on non-x86 builds.
std::uint32_t crc32c_extend_hardware(std::uint32_t crc, std::span<const std::byte> data) noexcept;
bool crc32c_hardware_available() noexcept;

}  // namespace pyrolog::channel
