// The viewer's window; see main_window.h.
#include "gui/main_window.h"

#include <algorithm>
#include <functional>

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QMimeData>
#include <QtGui/QAction>
#include <QtGui/QDragEnterEvent>
#include <QtGui/QDropEvent>
#include <QtGui/QKeySequence>
#include <QtWidgets/QApplication>
#include <QtWidgets/QDockWidget>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QMenuBar>
#include <QtWidgets/QMessageBox>
#include <QtWidgets/QScrollArea>
#include <QtWidgets/QStatusBar>
#include <QtWidgets/QToolBar>
#include <QtWidgets/QVBoxLayout>

#include "gui/chart_catalog.h"
#include "gui/chart_export.h"
#include "gui/chart_view.h"
#include "gui/key_figures_table.h"

namespace cpark::gui {

namespace {

constexpr int kMaxRecent = 10;
constexpr const char* kRecentKey = "recent_folders";
constexpr const char* kDarkKey = "dark_theme";

const char* const kEmptyText =
    "<h2>No results folder open</h2>"
    "<p>Open one with <b>File ▸ Open results folder…</b> (Ctrl+O), pick a recent one, or drop folders here.</p>"
    "<p>A results folder is what <code>cpark sim SCENARIO</code> or <code>cpark loadtest PROFILE</code> wrote, e.g.<br>"
    "<code>build/cli/cpark sim scenarios/small-office.toml</code> then "
    "<code>build/gui/cpark-view results/small-office</code>.</p>"
    "<p>Open two or more folders to compare them on the same axes.</p>";

// The scrolling dashboard; tells the window when its width changes, so the charts re-flow
// into as many columns as fit (the window's own size changes less often than this).
class DashboardArea : public QScrollArea {
 public:
  std::function<void()> on_resize;

 protected:
  void resizeEvent(QResizeEvent* event) override {
    QScrollArea::resizeEvent(event);
    if (on_resize) on_resize();
  }
};

}  // namespace

MainWindow::MainWindow(QSettings& settings, QWidget* parent) : QMainWindow(parent), settings_(settings) {
  setWindowTitle("cpark-view");
  setAcceptDrops(true);
  options_.dark = settings_.value(kDarkKey, false).toBool();

  auto* central = new QWidget;
  auto* layout = new QVBoxLayout(central);
  layout->setContentsMargins(6, 6, 6, 6);
  banner_ = new QLabel;
  banner_->setWordWrap(true);
  banner_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  banner_->setStyleSheet("QLabel { background: #fde2e1; color: #5a1111; border: 1px solid #d9534f; padding: 6px; }");
  banner_->hide();
  layout->addWidget(banner_);
  empty_ = new QLabel(kEmptyText);
  empty_->setAlignment(Qt::AlignCenter);
  empty_->setWordWrap(true);
  layout->addWidget(empty_, 1);
  auto* dashboard_area = new DashboardArea;
  dashboard_area->on_resize = [this] { reflow(); };
  auto* scroll = scroll_ = dashboard_area;
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  dashboard_ = new QWidget;
  grid_ = new QGridLayout(dashboard_);
  grid_->setSpacing(8);
  scroll->setWidget(dashboard_);
  layout->addWidget(scroll, 1);
  setCentralWidget(central);

  folder_list_ = new QListWidget;
  auto* folders_dock = new QDockWidget("Folders", this);
  folders_dock->setObjectName("folders");
  folders_dock->setWidget(folder_list_);
  addDockWidget(Qt::LeftDockWidgetArea, folders_dock);

  table_ = new QTableWidget;
  auto* table_dock = new QDockWidget("Key figures (95 % intervals)", this);
  table_dock->setObjectName("key_figures");
  table_dock->setWidget(table_);
  addDockWidget(Qt::RightDockWidgetArea, table_dock);

  build_menus();
  folders_dock->toggleViewAction()->setText("Folders panel");
  table_dock->toggleViewAction()->setText("Key figures panel");
  menuBar()->actions().at(1)->menu()->addAction(folders_dock->toggleViewAction());
  menuBar()->actions().at(1)->menu()->addAction(table_dock->toggleViewAction());

  // Results are replaced file by file with summary.json last: wait for the burst to end.
  reload_timer_.setSingleShot(true);
  reload_timer_.setInterval(400);
  connect(&reload_timer_, &QTimer::timeout, this, [this] {
    statusBar()->showMessage("Folder changed on disk: reloaded", 4000);
    reload();
  });
  connect(&watcher_, &QFileSystemWatcher::directoryChanged, this, [this] { reload_timer_.start(); });
  connect(&watcher_, &QFileSystemWatcher::fileChanged, this, [this] { reload_timer_.start(); });

  resize(1560, 960);
  resizeDocks({folders_dock, table_dock}, {190, 380}, Qt::Horizontal);
  set_dark(options_.dark);
}

void MainWindow::build_menus() {
  QMenu* file = menuBar()->addMenu("&File");
  QAction* open = file->addAction("&Open results folder…", this, [this] { choose_folder(); });
  open->setShortcut(QKeySequence::Open);
  recent_menu_ = file->addMenu("Open &recent");
  QAction* reload_action = file->addAction("&Reload", this, [this] { reload(); });
  reload_action->setShortcut(QKeySequence::Refresh);
  QAction* export_action = file->addAction("&Export all charts…", this, [this] { export_all_dialog(); });
  export_action->setShortcut(QKeySequence("Ctrl+E"));
  file->addAction("&Close all folders", this, [this] { close_all(); });
  file->addSeparator();
  QAction* quit = file->addAction("&Quit", this, [this] { close(); });
  quit->setShortcut(QKeySequence::Quit);

  QMenu* view = menuBar()->addMenu("&View");
  dark_action_ = view->addAction("&Dark theme", this, [this](bool on) { set_dark(on); });
  dark_action_->setCheckable(true);
  dark_action_->setShortcut(QKeySequence("Ctrl+T"));
  view->addAction("Reset zoom of all charts", this, [this] {
    for (auto* v : views_) v->chart()->zoomReset();
  });
  view->addSeparator();

  QMenu* help = menuBar()->addMenu("&Help");
  help->addAction("Chart controls", this, [this] {
    QMessageBox::information(this, "Chart controls",
                             "Hover a point or bar: its exact value, with the 95 % interval where there is one.\n"
                             "Drag a rectangle: zoom in.   Mouse wheel or + / −: zoom.\n"
                             "Right- or middle-drag, or the arrow keys: pan.\n"
                             "Double-click, Home or Esc: reset the zoom.\n"
                             "Right-click: export the chart as PNG or SVG, or copy it.\n"
                             "Click a legend entry: nothing else is needed; series keep their colours across charts.");
  });

  auto* tools = addToolBar("Main");
  tools->setObjectName("main_toolbar");
  tools->addAction(open);
  tools->addAction(reload_action);
  tools->addAction(export_action);
  tools->addAction(dark_action_);
  refresh_recent_menu();
}

void MainWindow::choose_folder() {
  const QString start = paths_.isEmpty() ? QDir::currentPath() + "/results" : QFileInfo(paths_.back()).path();
  const QString dir = QFileDialog::getExistingDirectory(this, "Open a results folder", start);
  if (!dir.isEmpty()) open_folders({dir});
}

void MainWindow::open_folders(const QStringList& dirs) {
  for (auto& d : dirs) {
    const QString clean = QDir::cleanPath(d);
    if (!paths_.contains(clean)) paths_ << clean;
  }
  remember(dirs);
  reload();
}

void MainWindow::close_all() {
  paths_.clear();
  reload();
}

void MainWindow::reload() {
  std::vector<std::filesystem::path> dirs;
  for (auto& p : paths_) dirs.emplace_back(p.toStdString());
  LoadOutcome outcome = load_results(dirs);
  folders_ = std::move(outcome.folders);
  errors_.clear();
  for (auto& e : outcome.errors) errors_ << QString::fromStdString(e);
  for (auto& f : folders_)
    for (auto& p : f.problems) errors_ << QString::fromStdString(p);
  rebuild();
  watch();
}

void MainWindow::set_dark(bool dark) {
  options_.dark = dark;
  settings_.setValue(kDarkKey, dark);
  if (dark_action_) dark_action_->setChecked(dark);
  qApp->setPalette(application_palette(options_));
  rebuild();
}

void MainWindow::rebuild() {
  for (auto* v : views_) {
    grid_->removeWidget(v);
    v->deleteLater();
  }
  views_.clear();
  view_ids_.clear();
  auto charts = build_charts(folders_, options_);
  const int columns = column_count();
  for (std::size_t i = 0; i < charts.size(); ++i) {
    auto* view = new ChartView(charts[i].chart.release());
    view->setMinimumSize(380, 340);
    const std::string id = charts[i].id;
    view->on_export = [this, id](const QString& format) { export_chart(id, format); };
    grid_->addWidget(view, int(i) / columns, int(i) % columns);
    columns_ = columns;
    views_.push_back(view);
    view_ids_.push_back(id);
  }
  empty_->setVisible(folders_.empty() && errors_.isEmpty());
  scroll_->setVisible(!charts.empty());
  if (errors_.isEmpty()) {
    banner_->hide();
  } else {
    QStringList escaped;
    for (auto& e : errors_) escaped << e.toHtmlEscaped();
    banner_->setText("<b>Some results could not be shown:</b><br>" + escaped.join("<br>"));
    banner_->show();
  }
  folder_list_->clear();
  for (auto& f : folders_) {
    auto* item = new QListWidgetItem(QString::fromStdString(f.label) + "\n  " + kind_name(f.kind) +
                                     (f.software_version.empty() ? "" : ", cpark " + QString::fromStdString(f.software_version)));
    item->setToolTip(QString::fromStdString(f.path.string()));
    folder_list_->addItem(item);
  }
  show_key_figures(*table_, key_figures(folders_));
  QStringList names;
  for (auto& f : folders_) names << QString::fromStdString(f.label);
  setWindowTitle(names.isEmpty() ? "cpark-view" : names.join(" vs ") + " — cpark-view");
}

int MainWindow::column_count() const {
  // As many columns as fit charts at least 440 px wide (logical pixels, so 200 % scaling
  // gets fewer, larger charts), at most three.
  const int width = scroll_->viewport()->width();
  return std::clamp(width / 440, 1, 3);
}

void MainWindow::reflow() {
  if (views_.empty() || column_count() == columns_) return;
  // Re-flow the dashboard: the same views in the new number of columns.
  for (auto* v : views_) grid_->removeWidget(v);
  columns_ = column_count();
  for (std::size_t i = 0; i < views_.size(); ++i) grid_->addWidget(views_[i], int(i) / columns_, int(i) % columns_);
}

void MainWindow::watch() {
  if (!watcher_.files().isEmpty()) watcher_.removePaths(watcher_.files());
  if (!watcher_.directories().isEmpty()) watcher_.removePaths(watcher_.directories());
  // The folders (files are renamed into them) and each summary.json (edited in place).
  for (auto& p : paths_) {
    if (QFileInfo(p).isDir()) watcher_.addPath(p);
    if (QFileInfo(p + "/summary.json").isFile()) watcher_.addPath(p + "/summary.json");
  }
}

void MainWindow::remember(const QStringList& dirs) {
  QStringList recent = settings_.value(kRecentKey).toStringList();
  for (auto& d : dirs) {
    const QString abs = QFileInfo(d).absoluteFilePath();
    recent.removeAll(abs);
    recent.prepend(abs);
  }
  while (recent.size() > kMaxRecent) recent.removeLast();
  settings_.setValue(kRecentKey, recent);
  refresh_recent_menu();
}

QStringList MainWindow::recent_folders() const { return settings_.value(kRecentKey).toStringList(); }

void MainWindow::refresh_recent_menu() {
  if (!recent_menu_) return;
  recent_menu_->clear();
  const QStringList recent = recent_folders();
  for (auto& r : recent) recent_menu_->addAction(r, this, [this, r] { open_folders({r}); });
  if (recent.isEmpty()) recent_menu_->addAction("(none yet)")->setEnabled(false);
  else {
    recent_menu_->addSeparator();
    recent_menu_->addAction("Clear list", this, [this] {
      settings_.setValue(kRecentKey, QStringList{});
      refresh_recent_menu();
    });
  }
}

void MainWindow::export_chart(const std::string& id, const QString& format) {
  const QString suggested = QDir::currentPath() + "/" + QString::fromStdString(id) + "." + format;
  const QString path = QFileDialog::getSaveFileName(this, "Export chart", suggested,
                                                    format == "svg" ? "SVG image (*.svg)" : "PNG image (*.png)");
  if (path.isEmpty()) return;
  // A fresh chart at the export size: the one on screen keeps its size and zoom.
  for (auto& entry : build_charts(folders_, options_)) {
    if (entry.id != id) continue;
    const QString error = format == "svg" ? export_svg(std::move(entry.chart), path, QSize(1200, 750))
                                          : export_png(std::move(entry.chart), path, QSize(1200, 750), devicePixelRatioF());
    if (error.isEmpty()) statusBar()->showMessage("Wrote " + path, 5000);
    else QMessageBox::warning(this, "Export failed", error);
    return;
  }
}

void MainWindow::export_all_dialog() {
  if (folders_.empty()) return;
  const QString dir = QFileDialog::getExistingDirectory(this, "Export every chart (PNG and SVG) to", QDir::currentPath());
  if (dir.isEmpty()) return;
  ExportOptions o;
  o.svg = true;
  o.chart = options_;
  const ExportReport r = export_all(folders_, dir, o);
  if (r.errors.isEmpty()) statusBar()->showMessage("Wrote " + QString::number(r.written.size()) + " files to " + dir, 6000);
  else QMessageBox::warning(this, "Export failed", r.errors.join("\n"));
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  QStringList dirs;
  for (auto& url : event->mimeData()->urls()) {
    const QFileInfo info(url.toLocalFile());
    // A dropped summary.json or CSV stands for its folder.
    dirs << (info.isDir() ? info.absoluteFilePath() : info.absolutePath());
  }
  if (!dirs.isEmpty()) open_folders(dirs);
  event->acceptProposedAction();
}

}  // namespace cpark::gui
