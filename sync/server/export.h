// sync/server/export.h — staff exports: CSV as Belgian Excel reads it, and XLSX.
//
//   std::vector<std::vector<std::string>> rows = {{"id", "nom"}, {"1", "=HYPERLINK(…)"}};
//   std::string csv = CsvDocument(rows);       // BOM + "id;nom\r\n1;'=HYPERLINK(…)\r\n"
//   std::string xlsx; std::string err;
//   if (XlsxDocument("creators", rows, &xlsx, &err)) ...   // bytes of a .xlsx file
//
// CSV: UTF-8 with a BOM, ';' separator, CRLF line ends. CsvCell() is pure (fuzzed):
//  - a cell starting with = + - @ TAB or CR gets a leading apostrophe (spreadsheet
//    formula injection: the cell then shows as text);
//  - a cell containing ; " CR LF (or starting/ending with a space) is quoted, inner
//    quotes doubled.
// XLSX (libxlsxwriter): every cell is written as a string (never a formula), the first
// row bold; written to a temporary file which is read back and removed.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace comptoir {

using ExportRows = std::vector<std::vector<std::string>>;

// True if a spreadsheet would read `cell` as a formula (= + - @ TAB CR first).
bool IsFormulaLike(std::string_view cell);
std::string CsvCell(std::string_view cell);
// One record: cells joined by ';', ended by "\r\n".
std::string CsvLine(const std::vector<std::string>& cells);
// BOM + every row.
std::string CsvDocument(const ExportRows& rows);
// The same rows as one sheet; formula-like cells keep their text (written as strings).
bool XlsxDocument(const std::string& sheet_name, const ExportRows& rows, std::string* out, std::string* error);

}  // namespace comptoir
