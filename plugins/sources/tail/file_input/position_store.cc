#include "position_store.h"

#include <cerrno>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/unique_fd.h"

namespace pyrolog::files {
namespace {

constexpr int kVersion = 1;

std::error_code last_error() {
  return {errno, std::generic_category()};
}

std::error_code write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return last_error();
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

std::error_code sync_directory(const std::filesystem::path& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return last_error();
  if (::fsync(fd.get()) != 0) return last_error();
  return {};
}

FilePosition parse_entry(const nlohmann::json& j) {
  FilePosition p;
  p.path = j.at("path").get<std::string>();
  p.identity.dev = j.at("dev").get<std::uint64_t>();
  p.identity.ino = j.at("ino").get<std::uint64_t>();
  p.identity.fingerprint_bytes = j.at("fingerprint_bytes").get<std::uint32_t>();
  const std::string fp = j.at("fingerprint").get<std::string>();
  std::size_t used = 0;
  p.identity.fingerprint = std::stoull(fp, &used, 16);
  if (used != fp.size() || fp.empty()) throw std::runtime_error("bad fingerprint");
  p.offset = j.at("offset").get<std::uint64_t>();
  return p;
}

}  // namespace

PositionStore::Loaded PositionStore::load() const {
  Loaded out;
  std::error_code ec;
  if (!std::filesystem::exists(file_, ec)) return out;
  out.existed = true;
  std::ifstream in(file_, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) {
    out.problem = fmt::format("cannot read {}", file_.string());
  } else if (text.str().empty()) {
    out.problem = fmt::format("{} is empty", file_.string());
  } else {
    try {
      const auto doc = nlohmann::json::parse(text.str());
      if (doc.at("version").get<int>() != kVersion) {
        throw std::runtime_error(fmt::format("unknown version {}", doc.at("version").dump()));
      }
      for (const auto& entry : doc.at("files"))
        out.positions.push_back(parse_entry(entry));
    } catch (const std::exception& e) {
      out.positions.clear();
      out.problem = fmt::format("{} is corrupt ({})", file_.string(), e.what());
    }
  }
  if (!out.problem.empty()) {
    std::filesystem::path aside = file_;
    aside += ".corrupt";
    std::filesystem::rename(file_, aside, ec);
  }
  return out;
}

std::error_code PositionStore::save(const std::vector<FilePosition>& positions) const {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& p : positions) {
    files.push_back({{"path", p.path},
                     {"dev", p.identity.dev},
                     {"ino", p.identity.ino},
                     {"fingerprint_bytes", p.identity.fingerprint_bytes},
                     {"fingerprint", fmt::format("{:016x}", p.identity.fingerprint)},
                     {"offset", p.offset}});
  }
  const nlohmann::json doc = {{"version", kVersion}, {"files", std::move(files)}};
  // Invalid UTF-8 in a path must not make the dump throw: such bytes are replaced in the hint only.
  const std::string text = doc.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";

  std::filesystem::path tmp = file_;
  tmp += ".tmp";
  {
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd) return last_error();
    if (auto ec = write_all(fd.get(), text)) return ec;
    if (::fsync(fd.get()) != 0) return last_error();
  }
  if (::rename(tmp.c_str(), file_.c_str()) != 0) return last_error();
  return sync_directory(file_.parent_path().empty() ? std::filesystem::path(".") : file_.parent_path());
}

}  // namespace pyrolog::files
