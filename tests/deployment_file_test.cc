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

TEST(M4_DeploymentFile, PoolAddressAndTrustedPeersAreRead) {
  test::TempDir dir;
  auto f = read_deployment_file(dir.write("ok.toml",
                                          "[[pools]]\nname = \"p\"\naddress = \"sip:pool2.contoso.com:5060\"\n"
                                          "[[trusted_peers]]\nname = \"pbx\"\naddress = \"10.0.0.5:5060\"\n"));
  EXPECT_EQ(f.deployment.find_pool("p")->address, "sip:pool2.contoso.com:5060");
  ASSERT_EQ(f.deployment.trusted_peers.size(), 1u);
  EXPECT_EQ(f.deployment.trusted_peers[0].name, "pbx");
  const std::string toml = deployment_to_toml(f.deployment);
  EXPECT_NE(toml.find("[[trusted_peers]]"), std::string::npos) << toml;
  EXPECT_NE(toml.find("10.0.0.5:5060"), std::string::npos) << toml;
}

TEST(P9_DeploymentFile, BadPoolAddressNamesLineKeyAndRule) {
  EXPECT_EQ(error_of("[[pools]]\nname = \"p\"\naddress = \"pool2.contoso.com\"\n"),
            ":3: address: \"pool2.contoso.com\" must be a sip: URI with a host, like sip:pool2.contoso.com:5060 (P9)");
}

TEST(S8_DeploymentFile, BadPeerAddressNamesLineKeyAndRule) {
  auto e = error_of("[[trusted_peers]]\nname = \"pbx\"\naddress = \"pbx.contoso.com\"\n");
  EXPECT_EQ(e.substr(0, 38), ":3: address: \"pbx.contoso.com\" must be");
  EXPECT_NE(e.find("(S8)"), std::string::npos);
  EXPECT_NE(error_of("[[trusted_peers]]\nname = \"pbx\"\n").find("address: missing in trusted_peers[0]"),
            std::string::npos);
  EXPECT_NE(error_of("[[trusted_peers]]\nname = \"pbx\"\naddress = \"10.0.0.5\"\nport = 5060\n").find(":4: port: unknown key"),
            std::string::npos);
}

}  // namespace
}  // namespace cpark
