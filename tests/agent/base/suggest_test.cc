#include "base/suggest.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace pyrolog {
namespace {

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", "abc"), 0u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("sink", "sinks"), 1u);  // insertion
  EXPECT_EQ(edit_distance("sinks", "sink"), 1u);  // deletion
  EXPECT_EQ(edit_distance("json", "jsan"), 1u);   // substitution
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("flaw", "lawn"), 2u);
  EXPECT_EQ(edit_distance("Sources", "sources"), 1u);  // case counts
}

TEST(EditDistance, ASwappedPairIsOneTypo) {
  EXPECT_EQ(edit_distance("ab", "ba"), 1u);
  EXPECT_EQ(edit_distance("tpc", "tcp"), 1u);
  EXPECT_EQ(edit_distance("recieve", "receive"), 1u);
  EXPECT_EQ(edit_distance("max_bytse", "max_bytes"), 1u);
  EXPECT_EQ(edit_distance("abcd", "badc"), 2u);  // two separate swaps
  // Optimal string alignment: a swapped pair is not edited again ("ca" -> "abc" is 3, not 2).
  EXPECT_EQ(edit_distance("ca", "abc"), 3u);
}

TEST(EditDistance, IsSymmetric) {
  const std::vector<std::string> words{"", "a", "tcp", "tpc", "channel", "chanel", "when_full", "wehn_full"};
  for (const auto& a : words) {
    for (const auto& b : words)
      EXPECT_EQ(edit_distance(a, b), edit_distance(b, a)) << a << " / " << b;
  }
}

TEST(ClosestMatch, SuggestsAPlausibleTypo) {
  const std::vector<std::string> options{"address", "max_line_bytes", "overlong_lines", "max_connections"};
  EXPECT_EQ(closest_match("adress", options), "address");
  EXPECT_EQ(closest_match("addresss", options), "address");
  EXPECT_EQ(closest_match("max_line_byte", options), "max_line_bytes");
  EXPECT_EQ(closest_match("max_connectoins", options), "max_connections");
  EXPECT_EQ(closest_match("Address", options), "address");
}

TEST(ClosestMatch, NothingWhenTooFar) {
  const std::vector<std::string> options{"address", "max_line_bytes"};
  EXPECT_EQ(closest_match("port", options), std::nullopt);
  EXPECT_EQ(closest_match("zzzzzzz", options), std::nullopt);
  // At most a third of the word may change: two edits in a six-letter word, not three.
  EXPECT_EQ(closest_match("adrezz", options), std::nullopt);
  EXPECT_EQ(closest_match("adres", options), std::nullopt);  // two edits in five letters
  EXPECT_EQ(closest_match("adresss", options), "address");   // two edits in seven letters
  // A short word gets one edit, and a suggestion keeps at least one of its characters.
  const std::vector<std::string> short_names{"a", "ab"};
  EXPECT_EQ(closest_match("x", short_names), std::nullopt);
  EXPECT_EQ(closest_match("b", short_names), "ab");  // one letter missing
  // "a" is as close as "ab", but is no suggestion (nothing kept): the next equally close candidate is.
  EXPECT_EQ(closest_match("ax", short_names), "ab");
}

TEST(ClosestMatch, NoSuggestionForAnExactMatchOrNoCandidates) {
  const std::vector<std::string> options{"block", "drop_newest"};
  EXPECT_EQ(closest_match("block", options), std::nullopt);
  EXPECT_EQ(closest_match("block", std::vector<std::string>{}), std::nullopt);
  EXPECT_EQ(closest_match("", options), std::nullopt);
}

TEST(ClosestMatch, PrefersTheClosestAndThenTheFirst) {
  EXPECT_EQ(closest_match("sinks", std::vector<std::string>{"sources", "sink", "sinkz"}), "sink");
  EXPECT_EQ(closest_match("cat", std::vector<std::string>{"bat", "hat"}), "bat");
  EXPECT_EQ(closest_match("cat", std::vector<std::string>{"hat", "bat"}), "hat");
}

}  // namespace
}  // namespace pyrolog
