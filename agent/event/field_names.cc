#include "event/field_names.h"

#include <mutex>
#include <string>
#include <unordered_set>

namespace pyrolog {
namespace {

struct Table {
  std::mutex mutex;
  // The nodes of an unordered_set never move, so views of their strings stay valid as the set grows.
  std::unordered_set<std::string> names;
};

Table& table() {
  static Table* t = new Table;  // never destroyed: names may be read during static destruction
  return *t;
}

}  // namespace

std::string_view FieldNames::intern(std::string_view name) {
  Table& t = table();
  std::lock_guard lock(t.mutex);
  return *t.names.emplace(name).first;
}

bool FieldNames::is_interned(std::string_view name) {
  Table& t = table();
  std::lock_guard lock(t.mutex);
  const auto it = t.names.find(std::string(name));
  return it != t.names.end() && it->data() == name.data();
}

std::size_t FieldNames::size() {
  Table& t = table();
  std::lock_guard lock(t.mutex);
  return t.names.size();
}

}  // namespace pyrolog
