// The key figures beside the charts: one column per run (folder, or sweep point), one
// row per figure, each cell the mean with its 95 % interval and unit. Built as plain
// data first so --export can write it as CSV and the tests can read it.
#pragma once
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtWidgets/QTableWidget>
#include <vector>

#include "gui/results_folder.h"

namespace cpark::gui {

struct KeyFigures {
  QStringList columns;  // run names
  struct Row {
    QString section;  // "Parks", "Pool se1.office.example", "Load test", …
    QString name;
    QStringList cells;  // one per column, "" where the run has no such figure
  };
  std::vector<Row> rows;
  QString csv() const;
};

KeyFigures key_figures(const std::vector<ResultsFolder>& folders);
// Fills (or refills) a table widget: sections as spanning rows, figures below them.
void show_key_figures(QTableWidget& table, const KeyFigures& figures);

}  // namespace cpark::gui
