// M4 / D2: deployment files are strict and errors name file, line and key.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/deployment_file.h"
#include "tests/temp_dir.h"

namespace cpark {
namespace {

std::string error_of(const std::string& text) {
  test::TempDir dir;
  const std::string path = dir.write("deployment.toml", text);
  try {
    read_deployment_file(path);
  } catch (const FileError& e) {
    std::string s = e.what();
    return s.substr(s.find(".toml") + 5);
  }
  return "";
}

TEST(M4_DeploymentFile, UnknownKeyNamesLineAndKey) {
  EXPECT_EQ(error_of("[[pools]]\nname = \"p\"\nsitee = \"x\"\n").substr(0, 10), ":3: sitee:");
}

TEST(M4_DeploymentFile, WrongTypeNamesLineAndKey) {
  auto e = error_of("[[call_park_settings]]\nscope = \"global\"\ntimeout = \"90\"\n");
  EXPECT_EQ(e, ":3: timeout: must be a whole number");
}

TEST(M4_DeploymentFile, MissingKeyNamesTable) {
  auto e = error_of("[[orbit_ranges]]\nname = \"a\"\nstart = \"7000\"\nend = \"7009\"\n");
  EXPECT_NE(e.find("service: missing in orbit_ranges[0]"), std::string::npos);
}

TEST(M4_DeploymentFile, RuleViolationNamesRule) {
  auto e = error_of("[[orbit_ranges]]\nname = \"a\"\nstart = \"*100\"\nend = \"*199\"\nservice = \"p\"\n");
  EXPECT_NE(e.find("greater than 100 (O3)"), std::string::npos);
}

TEST(M4_DeploymentFile, SyntaxErrorNamesLine) {
  auto e = error_of("[[pools]]\nname = \"p\n");
  EXPECT_EQ(e.substr(0, 3), ":2:");
}

TEST(M4_DeploymentFile, RangesCreateTheirPoolsAndGlobalSettingsExist) {
  test::TempDir dir;
  auto f = read_deployment_file(
      dir.write("ok.toml", "[[orbit_ranges]]\nname = \"a\"\nstart = \"7000\"\nend = \"7009\"\nservice = \"p\"\n"));
  EXPECT_NE(f.deployment.find_pool("p"), nullptr);
  EXPECT_NE(f.deployment.find_settings("global"), nullptr);
}

}  // namespace
}  // namespace cpark
