// CSV reading for results folders; see csv_table.h.
#include "gui/detail/csv_table.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "gui/results_folder.h"

namespace cpark::gui::detail {

namespace {

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') cell += '"', ++i;
      else if (c == '"') quoted = false;
      else cell += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(std::move(cell));
      cell.clear();
    } else {
      cell += c;
    }
  }
  out.push_back(std::move(cell));
  return out;
}

}  // namespace

CsvTable CsvTable::read(const std::filesystem::path& path, const std::vector<std::string>& required_columns) {
  CsvTable t;
  t.name_ = path.parent_path().filename().string() + "/" + path.filename().string();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FolderError(t.name_ + ": missing (the folder is incomplete)");
  std::string line;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    auto fields = split_fields(line);
    if (t.header_.empty()) {
      t.header_ = std::move(fields);
      continue;
    }
    if (fields.size() != t.header_.size())
      throw FolderError(t.name_ + ":" + std::to_string(line_no) + ": " + std::to_string(fields.size()) +
                        " fields where the header has " + std::to_string(t.header_.size()) +
                        " (a truncated or hand-edited file?)");
    t.rows_.push_back(std::move(fields));
    t.lines_.push_back(line_no);
  }
  if (t.header_.empty()) throw FolderError(t.name_ + ": empty file (no header line)");
  for (auto& c : required_columns)
    if (!t.has_column(c)) throw FolderError(t.name_ + ": no column \"" + c + "\" (see docs/results.md)");
  return t;
}

bool CsvTable::has_column(std::string_view name) const {
  return std::find(header_.begin(), header_.end(), name) != header_.end();
}

std::size_t CsvTable::column(std::string_view name) const {
  auto it = std::find(header_.begin(), header_.end(), name);
  if (it == header_.end()) throw FolderError(name_ + ": no column \"" + std::string(name) + "\"");
  return std::size_t(it - header_.begin());
}

const std::string& CsvTable::text(std::size_t row, std::string_view name) const { return rows_.at(row)[column(name)]; }

double CsvTable::number(std::size_t row, std::string_view name) const {
  const std::string& cell = text(row, name);
  if (cell.empty()) return NAN;
  double v = 0;
  const auto r = std::from_chars(cell.data(), cell.data() + cell.size(), v);
  if (r.ec != std::errc() || r.ptr != cell.data() + cell.size() || !std::isfinite(v))
    throw FolderError(name_ + ":" + std::to_string(lines_.at(row)) + ": " + std::string(name) + ": \"" + cell +
                      "\" is not a number");
  return v;
}

}  // namespace cpark::gui::detail
