// `cpark-view [RESULTS_DIR...]`: the chart viewer (Q1), and
// `cpark-view --export OUT_DIR RESULTS_DIR...`: every chart as PNG/SVG without a display (Q2).
#include <QtCore/QCommandLineParser>
#include <QtCore/QDir>
#include <QtCore/QSettings>
#include <QtCore/QTemporaryDir>
#include <QtWidgets/QApplication>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "gui/chart_export.h"
#include "gui/main_window.h"

namespace {

bool has_flag(int argc, char** argv, const char* flag) {
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], flag) == 0 || std::strncmp(argv[i], (std::string(flag) + "=").c_str(), std::strlen(flag) + 1) == 0)
      return true;
  return false;
}

bool parse_size(const QString& text, QSize& out) {
  const QStringList parts = text.toLower().split('x');
  if (parts.size() != 2) return false;
  bool ok_w = false, ok_h = false;
  const int w = parts[0].toInt(&ok_w), h = parts[1].toInt(&ok_h);
  if (!ok_w || !ok_h || w < 200 || h < 150 || w > 10000 || h > 10000) return false;
  out = QSize(w, h);
  return true;
}

// Qt's offscreen platform warns that it "does not support propagateSizeHints()" for every
// chart it lays out; that says nothing to a user, so --export keeps stderr for real problems.
QtMessageHandler g_default_handler = nullptr;
void quiet_offscreen_noise(QtMsgType type, const QMessageLogContext& context, const QString& message) {
  if (message.contains("propagateSizeHints")) return;
  if (g_default_handler) g_default_handler(type, context, message);
}

int usage_error(const QString& message) {
  std::fprintf(stderr, "cpark-view: %s (see cpark-view --help)\n", qPrintable(message));
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  const bool exporting = has_flag(argc, argv, "--export");
  // --export needs no display: pick the offscreen platform unless the user chose one.
  if (exporting && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  if (exporting) g_default_handler = qInstallMessageHandler(quiet_offscreen_noise);
  // Without a desktop session there is no XDG_RUNTIME_DIR; Qt would warn and leave
  // /tmp/runtime-$USER behind. A private one removed at exit does instead.
  std::optional<QTemporaryDir> runtime;
  if (exporting && qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) {
    runtime.emplace();
    if (runtime->isValid()) qputenv("XDG_RUNTIME_DIR", runtime->path().toUtf8());
  }
  if (!exporting && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY") &&
      qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") && !has_flag(argc, argv, "--help") && !has_flag(argc, argv, "-h") &&
      !has_flag(argc, argv, "--version")) {
    std::fprintf(stderr,
                 "cpark-view: no display (neither DISPLAY nor WAYLAND_DISPLAY is set); to write the charts as files "
                 "instead, run: cpark-view --export OUT_DIR RESULTS_DIR...\n");
    return 2;
  }
  QApplication app(argc, argv);
  QApplication::setApplicationName("cpark-view");
  QApplication::setOrganizationName("cpark");
  QApplication::setApplicationVersion(CPARK_VERSION);
  QApplication::setStyle("Fusion");  // the same look on every desktop, and a dark palette that works

  QCommandLineParser parser;
  parser.setApplicationDescription(
      "Charts of cpark results folders: simulations, sweeps, load tests and simulator-vs-server comparisons.\n"
      "Open several folders to compare them on the same axes.");
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument("RESULTS_DIR", "Results folders written by cpark sim or cpark loadtest", "[RESULTS_DIR...]");
  QCommandLineOption export_option("export", "Write every chart to OUT_DIR as PNG (no window, no display needed).", "OUT_DIR");
  QCommandLineOption svg_option("svg", "With --export: also write each chart as SVG.");
  QCommandLineOption size_option("size", "With --export: chart size in pixels (default 1200x750).", "WxH", "1200x750");
  QCommandLineOption scale_option("scale", "With --export: pixel scale, e.g. 2 for 200 % (default 1).", "FACTOR", "1");
  QCommandLineOption theme_option("theme", "light or dark (default: light for --export, the last one used otherwise).",
                                  "THEME");
  parser.addOptions({export_option, svg_option, size_option, scale_option, theme_option});
  parser.process(app);

  const QStringList dirs = parser.positionalArguments();
  std::optional<bool> dark;
  if (parser.isSet(theme_option)) {
    const QString theme = parser.value(theme_option);
    if (theme != "light" && theme != "dark") return usage_error("--theme must be light or dark, not \"" + theme + "\"");
    dark = theme == "dark";
  }

  if (parser.isSet(export_option)) {
    cpark::gui::ExportOptions options;
    if (!parse_size(parser.value(size_option), options.size))
      return usage_error("--size \"" + parser.value(size_option) + "\" must be WIDTHxHEIGHT, e.g. 1200x750 (200x150 to 10000x10000)");
    bool ok = false;
    options.scale = parser.value(scale_option).toDouble(&ok);
    if (!ok || options.scale < 0.5 || options.scale > 4) return usage_error("--scale must be a number from 0.5 to 4");
    options.svg = parser.isSet(svg_option);
    options.chart.dark = dark.value_or(false);
    if (dirs.isEmpty()) return usage_error("--export needs at least one RESULTS_DIR");
    std::vector<std::filesystem::path> paths;
    for (auto& d : dirs) paths.emplace_back(d.toStdString());
    const auto outcome = cpark::gui::load_results(paths);
    for (auto& e : outcome.errors) std::fprintf(stderr, "cpark-view: %s\n", e.c_str());
    for (auto& f : outcome.folders)
      for (auto& p : f.problems) std::fprintf(stderr, "cpark-view: warning: %s\n", p.c_str());
    if (outcome.folders.empty()) return 1;
    const auto report = cpark::gui::export_all(outcome.folders, parser.value(export_option), options);
    for (auto& e : report.errors) std::fprintf(stderr, "cpark-view: %s\n", qPrintable(e));
    for (auto& w : report.written) std::printf("%s\n", qPrintable(w));
    return report.errors.isEmpty() && outcome.errors.empty() ? 0 : 1;
  }

  QSettings settings;
  cpark::gui::MainWindow window(settings);
  if (dark) window.set_dark(*dark);
  window.show();
  if (!dirs.isEmpty()) window.open_folders(dirs);
  return app.exec();
}
