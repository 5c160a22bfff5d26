// The key-figures table; see key_figures_table.h.
#include "gui/key_figures_table.h"

#include <QtWidgets/QHeaderView>

#include "gui/chart_style.h"

namespace cpark::gui {

namespace {

// Rows are collected per column and merged in first-seen order, so runs of different
// kinds share one table and each row appears once.
class Builder {
 public:
  void column(const QString& name) {
    out_.columns << name;
    for (auto& r : out_.rows) r.cells << "";
  }
  void set(const QString& section, const QString& name, const QString& value) {
    for (auto& r : out_.rows)
      if (r.section == section && r.name == name) {
        r.cells.back() = value;
        return;
      }
    KeyFigures::Row row{section, name, {}};
    for (int i = 0; i < out_.columns.size(); ++i) row.cells << "";
    row.cells.back() = value;
    out_.rows.push_back(row);
  }
  KeyFigures take() { return std::move(out_); }

 private:
  KeyFigures out_;
};

QString fig(const Figure* f) { return f ? format_with_interval(f->mean, f->half_width, f->unit) : QString(); }

void add_simulation(Builder& b, const ResultsFolder& folder) {
  const Simulation& sim = *folder.simulation;
  for (auto& p : sim.points) {
    QString name = QString::fromStdString(folder.label);
    if (sim.is_sweep()) name += " [" + QString::fromStdString(p.label()) + "]";
    b.column(name);
    const QString run = "Run";
    b.set(run, "kind", sim.interrupted ? "simulation (interrupted: partial)" : "simulation");
    b.set(run, "scenario", QString::fromStdString(sim.scenario_name));
    b.set(run, "replications", QString::number(p.replications));
    b.set(run, "measured per replication", QString::number(sim.duration_s / 3600, 'g', 4) + " h after " +
                                               QString::number(sim.warmup_s / 60, 'g', 4) + " min warm-up");
    const QString parks = "Parks";
    b.set(parks, "parks", fig(p.find("parks")));
    b.set(parks, "park blocking (P2)", fig(p.find("park_blocking")));
    b.set(parks, "retrieved", fig(p.find("share_retrieved")));
    b.set(parks, "rung back", fig(p.find("share_ringback")));
    b.set(parks, "fallback", fig(p.find("share_fallback")));
    b.set(parks, "disconnected", fig(p.find("share_disconnected")));
    b.set(parks, "abandoned", fig(p.find("share_abandoned")));
    const QString calls = "Calls";
    if (const Figure* c = p.find("calls"); c && c->mean > 0) {
      b.set(calls, "calls", fig(c));
      b.set(calls, "picked up (of calls to group members)", fig(p.find("pickup_answer_share")));
      b.set(calls, "to voicemail", fig(p.find("voicemail_share")));
    }
    b.set("Server", "requests, mean", fig(p.find("request_rate_mean")));
    b.set("Server", "requests, busiest minute", fig(p.find("request_rate_peak")));
    for (auto& [pool, pf] : p.pools) {
      const QString section = "Pool " + QString::fromStdString(pool);
      b.set(section, "orbits", fig(pf.find("orbits")));
      b.set(section, "blocking", fig(pf.find("blocking")));
      b.set(section, "busy orbits, mean", fig(pf.find("busy_mean")));
      b.set(section, "busy orbits, peak", fig(pf.find("busy_peak")));
      b.set(section, "mean time parked", fig(pf.find("mean_time_in_orbit")));
      b.set(section, "offered load", fig(pf.find("offered_load")));
      b.set(section, "Erlang B", format_value(pf.erlang_b_blocking, "share", 4) + " → " +
                                     QString::fromStdString(pf.erlang_b_verdict));
    }
    if (sim.target_blocking) {
      const QString section = "Planning: blocking ≤ " + format_value(*sim.target_blocking, "share", 3);
      for (auto& a : sim.plan)
        b.set(section, QString::fromStdString(a.pool),
              a.orbits ? QString::number(*a.orbits) + " orbits (" + fig(a.blocking ? &*a.blocking : nullptr) +
                             "; Erlang B: " + QString::number(a.orbits_erlang_b) + ")"
                       : QString::fromStdString(a.note));
    }
  }
}

void add_loadtest(Builder& b, const ResultsFolder& folder) {
  const LoadTest& l = *folder.loadtest;
  b.column(QString::fromStdString(folder.label));
  const QString run = "Run";
  b.set(run, "kind", l.interrupted ? "load test (interrupted)" : "load test");
  b.set(run, "profile", QString::fromStdString(l.profile_name));
  b.set(run, "software", QString::fromStdString(folder.software_version));
  b.set(run, "started", QString::fromStdString(l.started_at));
  const QString calls = "Load test";
  b.set(calls, "calls attempted", QString::number(l.attempted));
  b.set(calls, "calls succeeded", QString::number(l.succeeded));
  b.set(calls, "calls failed", QString::number(l.failed));
  b.set(calls, "call rate achieved", format_value(l.achieved_rate, "1/s", 4) + " (target " +
                                         format_value(l.target_rate, "1/s", 4) + ")");
  b.set(calls, "retransmissions", QString::number(l.retransmissions));
  for (auto& t : l.response_times)
    if (t.count > 0)
      b.set("Response time (ms): p50 / p90 / p99 / max", QString::fromStdString(t.transaction),
            QString::number(t.p50, 'g', 4) + " / " + QString::number(t.p90, 'g', 4) + " / " +
                QString::number(t.p99, 'g', 4) + " / " + QString::number(t.max, 'g', 4));
  const QString server = "Server";
  b.set(server, "CPU time", format_value(l.cpu_seconds, "s", 4));
  b.set(server, "peak memory", format_value(l.peak_rss_bytes, "bytes", 4));
  b.set(server, "ended", QString::fromStdString(l.server_exit));
  double leaked = 0;
  for (auto& [pool, n] : l.busy_orbits_after) leaked += n;
  b.set(server, "orbits busy after the run", QString::number(leaked));
  for (auto& [check, ok] : l.checks) b.set("Checks (L3)", QString::fromStdString(check), ok ? "yes" : "NO");
}

void add_comparison(Builder& b, const ResultsFolder& folder) {
  const Comparison& c = *folder.comparison;
  b.column(QString::fromStdString(folder.label));
  b.set("Run", "kind", "simulator vs server");
  b.set("Run", "scenario", QString::fromStdString(c.scenario_name));
  const QString section = "Simulated (95 %) | served";
  for (auto& f : c.figures) {
    QString name = QString::fromStdString(f.name);
    if (!f.pool.empty()) name += " (" + QString::fromStdString(f.pool) + ")";
    b.set(section, name,
          format_with_interval(f.simulated.mean, f.simulated.half_width, f.unit) + " | " +
              format_value(f.served, f.unit, 4) + (!f.agrees ? "" : *f.agrees ? "  ✓" : "  ✗ disagrees"));
  }
  b.set(section, "all agree", c.agrees ? "yes" : "NO");
}

QString csv_field(const QString& s) {
  if (!s.contains(',') && !s.contains('"') && !s.contains('\n')) return s;
  return "\"" + QString(s).replace("\"", "\"\"") + "\"";
}

}  // namespace

QString KeyFigures::csv() const {
  QString out = "section,figure";
  for (auto& c : columns) out += "," + csv_field(c);
  out += "\n";
  for (auto& r : rows) {
    out += csv_field(r.section) + "," + csv_field(r.name);
    for (auto& c : r.cells) out += "," + csv_field(c);
    out += "\n";
  }
  return out;
}

KeyFigures key_figures(const std::vector<ResultsFolder>& folders) {
  Builder b;
  for (auto& f : folders) {
    if (f.simulation) add_simulation(b, f);
    if (f.loadtest) add_loadtest(b, f);
    if (f.comparison) add_comparison(b, f);
  }
  return b.take();
}

void show_key_figures(QTableWidget& table, const KeyFigures& figures) {
  table.clear();
  table.setColumnCount(int(figures.columns.size()) + 1);
  QStringList headers{"Figure"};
  headers << figures.columns;
  table.setHorizontalHeaderLabels(headers);
  // Sections become bold spanning rows; the figures follow in section order.
  std::vector<QString> sections;
  for (auto& r : figures.rows)
    if (std::find(sections.begin(), sections.end(), r.section) == sections.end()) sections.push_back(r.section);
  int rows = 0;
  for (auto& s : sections) {
    ++rows;
    for (auto& r : figures.rows) rows += r.section == s ? 1 : 0;
  }
  table.setRowCount(rows);
  int row = 0;
  for (auto& s : sections) {
    table.setSpan(row, 0, 1, table.columnCount());
    auto* head = new QTableWidgetItem(s);
    QFont f = head->font();
    f.setBold(true);
    head->setFont(f);
    head->setFlags(Qt::ItemIsEnabled);
    table.setItem(row++, 0, head);
    for (auto& r : figures.rows) {
      if (r.section != s) continue;
      auto* name = new QTableWidgetItem(r.name);
      name->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
      table.setItem(row, 0, name);
      for (int c = 0; c < r.cells.size(); ++c) {
        auto* cell = new QTableWidgetItem(r.cells[c]);
        cell->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        cell->setToolTip(r.name + " — " + figures.columns[c] + ": " + r.cells[c]);
        table.setItem(row, c + 1, cell);
      }
      ++row;
    }
  }
  table.verticalHeader()->hide();
  table.horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table.setEditTriggers(QAbstractItemView::NoEditTriggers);
  table.setAlternatingRowColors(true);
}

}  // namespace cpark::gui
