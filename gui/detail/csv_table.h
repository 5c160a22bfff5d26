// A CSV file of a results folder read into memory, with its header, so loaders ask for
// columns by name and every bad cell is reported as "file:line: column: problem".
#pragma once
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace cpark::gui::detail {

class CsvTable {
 public:
  // Reads `path` (RFC 4180 quoting, \n or \r\n line ends). Throws FolderError naming the
  // file for a missing file, an empty one, a row with the wrong number of fields, or a
  // missing required column.
  static CsvTable read(const std::filesystem::path& path, const std::vector<std::string>& required_columns);

  std::size_t rows() const { return rows_.size(); }
  bool has_column(std::string_view name) const;
  const std::string& text(std::size_t row, std::string_view column) const;
  // The cell as a number; NaN for an empty cell. Throws FolderError for anything else
  // that is not a whole number text (e.g. "inf", "1.2.3", "abc").
  double number(std::size_t row, std::string_view column) const;

 private:
  std::size_t column(std::string_view name) const;
  std::string name_;  // "folder/file.csv" as shown in messages
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::size_t> lines_;  // the file line of each row, for messages
};

}  // namespace cpark::gui::detail
