#include "access_log_generator.h"

#include <array>
#include <string_view>

#include <fmt/format.h>

namespace pyrolog {
namespace {

constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 6> kMethods{"GET", "GET", "GET", "POST", "PUT", "DELETE"};
constexpr std::array<std::string_view, 10> kPaths{"/",
                                                  "/index.html",
                                                  "/api/v1/orders",
                                                  "/api/v1/users",
                                                  "/static/js/app.js",
                                                  "/static/css/site.css",
                                                  "/search",
                                                  "/products/item",
                                                  "/cart/checkout",
                                                  "/images/banner.png"};
constexpr std::array<std::string_view, 6> kQueries{
    "",         "?page=2",         "?q=running+shoes&sort=price",
    "?id=1842", "?ref=newsletter", "?utm_source=ads&utm_medium=cpc"};
constexpr std::array<int, 10> kStatuses{200, 200, 200, 200, 200, 304, 301, 404, 500, 503};
constexpr std::array<std::string_view, 5> kReferrers{
    "-", "https://www.example.com/", "https://www.google.com/search?q=shop",
    "https://shop.example.org/products", "https://news.example.net/article/77"};
constexpr std::array<std::string_view, 5> kAgents{
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "curl/7.88.1", "Googlebot/2.1 (+http://www.google.com/bot.html)"};

}  // namespace

std::uint64_t AccessLogGenerator::next() {
  // xorshift64*: fast, and the same sequence on every machine.
  state_ ^= state_ >> 12;
  state_ ^= state_ << 25;
  state_ ^= state_ >> 27;
  return state_ * 0x2545F4914F6CDD1DULL;
}

void AccessLogGenerator::append_line(std::string& out, std::time_t when) {
  std::tm tm{};
  gmtime_r(&when, &tm);
  const std::uint64_t ip = next();
  fmt::format_to(
      std::back_inserter(out),
      "{}.{}.{}.{} - {} [{:02}/{}/{:04}:{:02}:{:02}:{:02} +0000] \"{} {}{} HTTP/1.1\" {} {} \"{}\" \"{}\"",
      10 + ip % 200, (ip >> 8) % 256, (ip >> 16) % 256, 1 + (ip >> 24) % 254, below(8) == 0 ? "alice" : "-",
      tm.tm_mday, kMonths[static_cast<std::size_t>(tm.tm_mon)], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
      tm.tm_sec, kMethods[below(kMethods.size())], kPaths[below(kPaths.size())],
      kQueries[below(kQueries.size())], kStatuses[below(kStatuses.size())], below(50000) + 120,
      kReferrers[below(kReferrers.size())], kAgents[below(kAgents.size())]);
}

}  // namespace pyrolog
