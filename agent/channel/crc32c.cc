#include "channel/crc32c.h"

#include <array>
#include <bit>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <nmmintrin.h>
#define PYROLOG_CRC32C_X86 1
#endif

namespace pyrolog::channel {
namespace {

constexpr std::uint32_t kPolynomial = 0x82F63B78u;
using Tables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr Tables make_tables() {
  Tables t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k)
      c = (c & 1u) != 0 ? (c >> 1) ^ kPolynomial : c >> 1;
    t[0][i] = c;
  }
  for (std::size_t i = 0; i < 256; ++i) {
    for (std::size_t s = 1; s < 8; ++s)
      t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xFFu];
  }
  return t;
}

constexpr Tables kTables = make_tables();

std::uint64_t load_le64(const unsigned char* p) noexcept {
  std::uint64_t v = 0;
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(&v, p, sizeof v);
  } else {
    for (int i = 7; i >= 0; --i)
      v = (v << 8) | p[i];
  }
  return v;
}

using ExtendFn = std::uint32_t (*)(std::uint32_t, std::span<const std::byte>) noexcept;

ExtendFn pick_implementation() noexcept {
  return crc32c_hardware_available() ? &crc32c_extend_hardware : &crc32c_extend_portable;
}

}  // namespace

std::uint32_t crc32c_extend_portable(std::uint32_t crc, std::span<const std::byte> data) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  std::size_t n = data.size();
  std::uint32_t l = ~crc;
  while (n >= 8) {
    const std::uint64_t w = load_le64(p) ^ l;
    l = kTables[7][w & 0xFFu] ^ kTables[6][(w >> 8) & 0xFFu] ^ kTables[5][(w >> 16) & 0xFFu] ^
        kTables[4][(w >> 24) & 0xFFu] ^ kTables[3][(w >> 32) & 0xFFu] ^ kTables[2][(w >> 40) & 0xFFu] ^
        kTables[1][(w >> 48) & 0xFFu] ^ kTables[0][w >> 56];
    p += 8;
    n -= 8;
  }
  while (n-- > 0)
    l = (l >> 8) ^ kTables[0][(l ^ *p++) & 0xFFu];
  return ~l;
}

#if defined(PYROLOG_CRC32C_X86)

namespace {

// The crc32 instruction has a latency of 3 cycles and a throughput of 1 per cycle: three independent streams
// over three adjacent blocks keep it busy, and the three partial CRCs are then combined. Combining uses the
// linearity of the CRC register: crc(A || B) = shift(crc(A)) ^ crc_from_zero(B), where `shift` advances a
// register over kStreamBlock zero bytes, a linear map on 32 bits applied with four table lookups.
constexpr std::size_t kStreamBlock = 4096;

struct ShiftTable {
  std::array<std::array<std::uint32_t, 256>, 4> t{};
  ShiftTable() {
    std::array<std::uint32_t, 32> column{};
    for (int bit = 0; bit < 32; ++bit) {
      std::uint32_t reg = 1u << bit;
      for (std::size_t i = 0; i < kStreamBlock; ++i)
        reg = (reg >> 8) ^ kTables[0][reg & 0xFFu];
      column[static_cast<std::size_t>(bit)] = reg;
    }
    for (std::size_t k = 0; k < 4; ++k) {
      for (std::uint32_t v = 0; v < 256; ++v) {
        std::uint32_t out = 0;
        for (std::uint32_t b = 0; b < 8; ++b) {
          if ((v >> b) & 1u) out ^= column[8 * k + b];
        }
        t[k][v] = out;
      }
    }
  }
  std::uint32_t shift(std::uint32_t reg) const noexcept {
    return t[0][reg & 0xFFu] ^ t[1][(reg >> 8) & 0xFFu] ^ t[2][(reg >> 16) & 0xFFu] ^ t[3][reg >> 24];
  }
};

const ShiftTable& shift_table() {
  static const ShiftTable table;
  return table;
}

}  // namespace

__attribute__((target("sse4.2"))) std::uint32_t crc32c_extend_hardware(
    std::uint32_t crc, std::span<const std::byte> data) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  std::size_t n = data.size();
  std::uint32_t l = ~crc;
#if defined(__x86_64__)
  std::uint64_t l64 = l;
  if (n >= 3 * kStreamBlock) {
    const ShiftTable& table = shift_table();
    while (n >= 3 * kStreamBlock) {
      std::uint64_t a = l64;
      std::uint64_t b = 0;
      std::uint64_t c = 0;
      for (std::size_t i = 0; i < kStreamBlock; i += 8) {
        std::uint64_t wa;
        std::uint64_t wb;
        std::uint64_t wc;
        std::memcpy(&wa, p + i, 8);
        std::memcpy(&wb, p + kStreamBlock + i, 8);
        std::memcpy(&wc, p + 2 * kStreamBlock + i, 8);
        a = _mm_crc32_u64(a, wa);
        b = _mm_crc32_u64(b, wb);
        c = _mm_crc32_u64(c, wc);
      }
      const std::uint32_t ab = table.shift(static_cast<std::uint32_t>(a)) ^ static_cast<std::uint32_t>(b);
      l64 = table.shift(ab) ^ static_cast<std::uint32_t>(c);
      p += 3 * kStreamBlock;
      n -= 3 * kStreamBlock;
    }
  }
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    l64 = _mm_crc32_u64(l64, w);
    p += 8;
    n -= 8;
  }
  l = static_cast<std::uint32_t>(l64);
#endif
  while (n >= 4) {
    std::uint32_t w;
    std::memcpy(&w, p, sizeof w);
    l = _mm_crc32_u32(l, w);
    p += 4;
    n -= 4;
  }
  while (n-- > 0)
    l = _mm_crc32_u8(l, *p++);
  return ~l;
}

bool crc32c_hardware_available() noexcept {
  return __builtin_cpu_supports("sse4.2") != 0;
}

#else

std::uint32_t crc32c_extend_hardware(std::uint32_t crc, std::span<const std::byte> data) noexcept {
  return crc32c_extend_portable(crc, data);
}

bool crc32c_hardware_available() noexcept {
  return false;
}

#endif

std::uint32_t crc32c_extend(std::uint32_t crc, std::span<const std::byte> data) noexcept {
  static const ExtendFn impl = pick_implementation();
  return impl(crc, data);
}

std::uint32_t crc32c(std::span<const std::byte> data) noexcept {
  return crc32c_extend(0, data);
}

}  // namespace pyrolog::channel
