// sync/server/export.cpp — see export.h.
#include "sync/server/export.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace comptoir {

bool IsFormulaLike(std::string_view cell) {
    if (cell.empty()) return false;
    char c = cell[0];
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

std::string CsvCell(std::string_view cell) {
    std::string v;
    v.reserve(cell.size() + 2);
    if (IsFormulaLike(cell)) v += '\'';
    v.append(cell);
    bool quote = v.find_first_of(";\"\r\n") != std::string::npos ||
                 (!v.empty() && (v.front() == ' ' || v.back() == ' '));
    if (!quote) return v;
    std::string q = "\"";
    for (char c : v) {
        if (c == '"') q += '"';
        q += c;
    }
    q += '"';
    return q;
}

std::string CsvLine(const std::vector<std::string>& cells) {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) {
        if (i) line += ';';
        line += CsvCell(cells[i]);
    }
    line += "\r\n";
    return line;
}

std::string CsvDocument(const ExportRows& rows) {
    std::string out = "\xEF\xBB\xBF";
    for (const auto& r : rows) out += CsvLine(r);
    return out;
}

bool XlsxDocument(const std::string& sheet_name, const ExportRows& rows, std::string* out, std::string* error) {
    char path[] = "/tmp/comptoir-export-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        *error = "cannot create a temporary file";
        return false;
    }
    close(fd);
    lxw_workbook* wb = workbook_new(path);
    if (!wb) {
        unlink(path);
        *error = "cannot start the workbook";
        return false;
    }
    lxw_worksheet* ws = workbook_add_worksheet(wb, sheet_name.c_str());
    lxw_format* bold = workbook_add_format(wb);
    format_set_bold(bold);
    bool ok = ws != nullptr;
    for (size_t r = 0; ok && r < rows.size(); ++r)
        for (size_t c = 0; ok && c < rows[r].size(); ++c)
            ok = worksheet_write_string(ws, lxw_row_t(r), lxw_col_t(c), rows[r][c].c_str(),
                                        r == 0 ? bold : nullptr) == LXW_NO_ERROR;
    lxw_error closed = workbook_close(wb);
    if (!ok || closed != LXW_NO_ERROR) {
        unlink(path);
        *error = std::string("cannot write the workbook: ") + lxw_strerror(closed);
        return false;
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    *out = ss.str();
    unlink(path);
    if (out->empty()) {
        *error = "empty workbook";
        return false;
    }
    return true;
}

}  // namespace comptoir
