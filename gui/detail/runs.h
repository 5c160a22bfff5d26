// The runs charts draw: one per simulation folder and sweep point, each with the label
// its series carry in legends (folder name when several folders are open, the swept
// values when the folder is a sweep, both when needed).
#pragma once
#include <QtCore/QString>
#include <vector>

#include "gui/results_folder.h"

namespace cpark::gui::detail {

struct SimulationRun {
  const ResultsFolder* folder = nullptr;
  const Simulation* simulation = nullptr;
  const SimulationPoint* point = nullptr;
  QString label;
};

inline std::vector<SimulationRun> simulation_runs(const std::vector<const ResultsFolder*>& folders) {
  std::vector<SimulationRun> out;
  std::vector<const ResultsFolder*> sims;
  for (auto* f : folders)
    if (f->simulation) sims.push_back(f);
  for (auto* f : sims)
    for (auto& p : f->simulation->points) {
      QString label;
      if (sims.size() > 1) label = QString::fromStdString(f->label);
      if (f->simulation->is_sweep())
        label += (label.isEmpty() ? "" : " ") + QString::fromStdString(sims.size() > 1 ? "[" + p.label() + "]" : p.label());
      out.push_back({f, &*f->simulation, &p, label});
    }
  return out;
}

// "label: what", or just one of them when the other is empty.
inline QString join_label(const QString& run, const QString& what) {
  if (run.isEmpty()) return what;
  if (what.isEmpty()) return run;
  return run + ": " + what;
}

}  // namespace cpark::gui::detail
