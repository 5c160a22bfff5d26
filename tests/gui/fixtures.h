// Helpers for the viewer tests: the shipped fixture folders (tests/fixtures/, see
// docs/results.md) and scratch copies of them to break on purpose.
#pragma once
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gui/results_folder.h"

namespace cpark::gui::test {

inline std::filesystem::path fixture(const std::string& name) {
  return std::filesystem::path(CPARK_SOURCE_DIR) / "tests" / "fixtures" / name;
}

inline ResultsFolder load_fixture(const std::string& name) {
  auto outcome = load_results({fixture(name)});
  if (outcome.folders.empty()) throw std::runtime_error(outcome.errors.empty() ? "nothing loaded" : outcome.errors[0]);
  return std::move(outcome.folders.front());
}

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

inline void spit(const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; }

// A copy of a fixture folder inside a temporary directory removed with the object.
struct ScratchCopy {
  QTemporaryDir tmp;
  std::filesystem::path path;
  explicit ScratchCopy(const std::string& name) {
    path = std::filesystem::path(tmp.path().toStdString()) / name;
    std::filesystem::copy(fixture(name), path, std::filesystem::copy_options::recursive);
  }
  void replace(const std::string& file, const std::string& from, const std::string& to) {
    std::string text = slurp(path / file);
    // Every occurrence: a figure's value can appear both deployment-wide and per pool.
    if (text.find(from) == std::string::npos) throw std::runtime_error("fixture text not found: " + from);
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
    spit(path / file, text);
  }
};

}  // namespace cpark::gui::test
