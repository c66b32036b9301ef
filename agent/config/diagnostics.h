#pragma once

#include <string>
#include <vector>

namespace pyrolog::config {

// Where something stands in a config file; line and column count from 1 (0 when unknown).
struct Location {
  std::string file;
  int line = 0;
  int column = 0;
};

// One problem found in a configuration: `file:line:col: path: message`.
struct Diagnostic {
  Location where;
  std::string path;  // `sources.web.max_line_bytes`; empty for the document as a whole
  std::string message;

  std::string to_string() const;
};

class Diagnostics {
 public:
  void error(Location where, std::string path, std::string message) {
    items_.push_back(Diagnostic{std::move(where), std::move(path), std::move(message)});
  }
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  std::string to_string() const;  // one line per problem

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace pyrolog::config
