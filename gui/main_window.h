// The viewer's window: the open results folders on the left, every chart they support in
// a scrolling dashboard, the key figures on the right, and a banner naming any file that
// could not be read. Folders open from the command line, File ▸ Open, the recent list or
// by dropping them on the window, and reload by themselves when their files change.
#pragma once
#include <QtCore/QFileSystemWatcher>
#include <QtCore/QSettings>
#include <QtCore/QTimer>
#include <QtWidgets/QGridLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QListWidget>
#include <QtWidgets/QMainWindow>
#include <QtWidgets/QScrollArea>
#include <QtWidgets/QMenu>
#include <QtWidgets/QTableWidget>
#include <memory>
#include <vector>

#include "gui/chart_style.h"
#include "gui/results_folder.h"

namespace cpark::gui {

class ChartView;

class MainWindow : public QMainWindow {
 public:
  // `settings` keeps the recent folders and the theme; the window does not own it.
  explicit MainWindow(QSettings& settings, QWidget* parent = nullptr);

  void open_folders(const QStringList& dirs);  // adds to what is open
  void close_all();
  void reload();
  void set_dark(bool dark);

  // What the window shows, for the tests.
  const std::vector<ResultsFolder>& folders() const { return folders_; }
  QString messages() const { return banner_->isVisible() ? banner_->text() : QString(); }
  std::vector<ChartView*> chart_views() const { return views_; }
  const QTableWidget& key_figures_table() const { return *table_; }
  QStringList recent_folders() const;

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void build_menus();
  int column_count() const;
  void reflow();
  void rebuild();
  void watch();
  void remember(const QStringList& dirs);
  void refresh_recent_menu();
  void export_chart(const std::string& id, const QString& format);
  void export_all_dialog();
  void choose_folder();

  QSettings& settings_;
  ChartOptions options_;
  QStringList paths_;  // as opened, in order
  std::vector<ResultsFolder> folders_;
  QStringList errors_;
  QLabel* banner_ = nullptr;
  QLabel* empty_ = nullptr;
  QWidget* dashboard_ = nullptr;
  QScrollArea* scroll_ = nullptr;
  QGridLayout* grid_ = nullptr;
  QListWidget* folder_list_ = nullptr;
  QTableWidget* table_ = nullptr;
  QMenu* recent_menu_ = nullptr;
  QAction* dark_action_ = nullptr;
  std::vector<ChartView*> views_;
  std::vector<std::string> view_ids_;
  int columns_ = 0;
  QFileSystemWatcher watcher_;
  QTimer reload_timer_;
};

}  // namespace cpark::gui
