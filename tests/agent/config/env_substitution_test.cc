#include "config/env_substitution.h"

#include <cstdlib>
#include <map>
#include <string>

#include <gtest/gtest.h>

namespace pyrolog::config {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

const EnvLookup kEnv = env_of({{"HOST", "example.com"},
                               {"PORT", "5140"},
                               {"EMPTY", ""},
                               {"_UNDER_1", "u"},
                               {"DOLLAR", "$x"},
                               {"BRACE", "${HOST}"}});

std::string ok(std::string_view text, const EnvLookup& env = kEnv) {
  auto result = substitute_env(text, env);
  if (auto* err = std::get_if<SubstitutionError>(&result)) {
    ADD_FAILURE() << "'" << text << "': " << err->message;
    return "";
  }
  return std::get<std::string>(result);
}

std::string error(std::string_view text, const EnvLookup& env = kEnv) {
  auto result = substitute_env(text, env);
  if (auto* value = std::get_if<std::string>(&result)) {
    ADD_FAILURE() << "'" << text << "' substituted to '" << *value << "'";
    return "";
  }
  return std::get<SubstitutionError>(result).message;
}

TEST(EnvSubstitution, TextWithoutReferencesIsUnchanged) {
  EXPECT_EQ(ok(""), "");
  EXPECT_EQ(ok("plain text {with} braces"), "plain text {with} braces");
  EXPECT_EQ(ok("caf\xc3\xa9"), "caf\xc3\xa9");
}

TEST(EnvSubstitution, SubstitutesVariables) {
  EXPECT_EQ(ok("${HOST}"), "example.com");
  EXPECT_EQ(ok("${HOST}:${PORT}"), "example.com:5140");
  EXPECT_EQ(ok("tcp://${HOST}:${PORT}/x"), "tcp://example.com:5140/x");
  EXPECT_EQ(ok("${_UNDER_1}"), "u");
}

TEST(EnvSubstitution, ValuesAreNotSubstitutedAgain) {
  EXPECT_EQ(ok("${DOLLAR}"), "$x");
  EXPECT_EQ(ok("${BRACE}"), "${HOST}");
}

TEST(EnvSubstitution, DoubleDollarIsALiteralDollar) {
  EXPECT_EQ(ok("$$"), "$");
  EXPECT_EQ(ok("$${HOST}"), "${HOST}");
  EXPECT_EQ(ok("cost: $$5"), "cost: $5");
  EXPECT_EQ(ok("$$$${HOST}"), "$${HOST}");
  EXPECT_EQ(ok("$$${HOST}"), "$example.com");
}

TEST(EnvSubstitution, LoneDollarIsLiteral) {
  EXPECT_EQ(ok("$"), "$");
  EXPECT_EQ(ok("a$"), "a$");
  EXPECT_EQ(ok("$HOST"), "$HOST");  // only the braced form is a reference
  EXPECT_EQ(ok("^foo$"), "^foo$");
  EXPECT_EQ(ok("$ {HOST}"), "$ {HOST}");
}

TEST(EnvSubstitution, Defaults) {
  EXPECT_EQ(ok("${UNSET:-fallback}"), "fallback");
  EXPECT_EQ(ok("${UNSET:-}"), "");
  EXPECT_EQ(ok("${HOST:-fallback}"), "example.com");
  EXPECT_EQ(ok("${UNSET:-a b:c-d}"), "a b:c-d");
  EXPECT_EQ(ok("${UNSET:-$HOST}"), "$HOST");  // a default is taken as written
  EXPECT_EQ(ok("x${UNSET:-1}y${PORT:-2}z"), "x1y5140z");
}

TEST(EnvSubstitution, EmptyValueIsSetForPlainReferencesAndUnsetForDefaults) {
  // As in the shell: `${VAR}` is "" when VAR is empty, `${VAR:-default}` is the default.
  EXPECT_EQ(ok("[${EMPTY}]"), "[]");
  EXPECT_EQ(ok("[${EMPTY:-d}]"), "[d]");
}

TEST(EnvSubstitution, UnsetVariableWithoutDefaultIsAnError) {
  EXPECT_EQ(error("${UNSET}"),
            "environment variable 'UNSET' is not set and has no default (write ${UNSET:-default})");
  EXPECT_EQ(error("${HOST}/${NOPE}"),
            "environment variable 'NOPE' is not set and has no default (write ${NOPE:-default})");
}

TEST(EnvSubstitution, UnterminatedReference) {
  EXPECT_EQ(error("${HOST"), "unterminated '${' in '${HOST'");
  EXPECT_EQ(error("abc ${"), "unterminated '${' in 'abc ${'");
  EXPECT_EQ(error("${HOST}${"), "unterminated '${' in '${HOST}${'");
}

TEST(EnvSubstitution, InvalidNames) {
  EXPECT_EQ(error("${}"), "'${}' is not a valid variable reference");
  EXPECT_EQ(error("${1ABC}"), "'${1ABC}' is not a valid variable reference");
  EXPECT_EQ(error("${A-B}"), "'${A-B}' is not a valid variable reference");
  EXPECT_EQ(error("${A B}"), "'${A B}' is not a valid variable reference");
  EXPECT_EQ(error("${A.B}"), "'${A.B}' is not a valid variable reference");
  EXPECT_EQ(error("${:-default}"), "'${:-default}' is not a valid variable reference");
  EXPECT_EQ(error("${A-default}"), "'${A-default}' is not a valid variable reference");
  EXPECT_EQ(error("${A:default}"), "'${A:default}' is not a valid variable reference");
  EXPECT_EQ(error("${${A}}"), "'${${A}' is not a valid variable reference");
}

TEST(EnvSubstitution, LooksUpOnlyTheNamesReferenced) {
  std::vector<std::string> asked;
  const EnvLookup recording = [&](const std::string& name) -> std::optional<std::string> {
    asked.push_back(name);
    return "v";
  };
  EXPECT_EQ(ok("${A}-${B:-x}-$$C-$D", recording), "v-v-$C-$D");
  EXPECT_EQ(asked, (std::vector<std::string>{"A", "B"}));
}

TEST(EnvSubstitution, WithoutALookupEveryVariableIsUnset) {
  EXPECT_EQ(ok("${A:-a}", EnvLookup{}), "a");
  EXPECT_EQ(error("${A}", EnvLookup{}),
            "environment variable 'A' is not set and has no default (write ${A:-default})");
}

TEST(EnvSubstitution, ProcessEnvironment) {
  ::setenv("PYROLOG_TEST_ENV_VAR", "from-process", 1);
  ::unsetenv("PYROLOG_TEST_ENV_UNSET");
  const auto env = process_environment();
  EXPECT_EQ(env("PYROLOG_TEST_ENV_VAR"), "from-process");
  EXPECT_EQ(env("PYROLOG_TEST_ENV_UNSET"), std::nullopt);
  ::unsetenv("PYROLOG_TEST_ENV_VAR");
}

}  // namespace
}  // namespace pyrolog::config
