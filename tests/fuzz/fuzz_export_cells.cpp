// tests/fuzz/fuzz_export_cells.cpp — bytes -> cells -> CsvLine (sync/server/export.h) ->
// read back as a spreadsheet would (';' separator, RFC 4180 quoting).
//
// The input is split into cells at 0x1F bytes. Invariants:
//   - reading the line back gives exactly as many cells as written, each one the original
//     text, preceded by an apostrophe when IsFormulaLike (so nothing is lost or merged);
//   - no cell read back starts with = + - @ TAB or CR (no formula injection);
//   - an unquoted field never contains ; " CR or LF; the line ends with CRLF;
//   - CsvDocument starts with the UTF-8 BOM.
// Run: build/fuzz/tests/fuzz/fuzz_export_cells tests/fuzz/corpus/fuzz_export_cells
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sync/server/export.h"
#include "tests/fuzz/fuzz_common.h"

using namespace comptoir;

namespace {

// Reads one CSV record (without its final CRLF); false if the quoting is broken.
bool ReadRecord(std::string_view line, std::vector<std::string>* cells) {
    cells->clear();
    size_t i = 0;
    while (true) {
        std::string cell;
        if (i < line.size() && line[i] == '"') {
            ++i;
            while (true) {
                if (i >= line.size()) return false;  // unterminated quote
                if (line[i] == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        cell += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                cell += line[i++];
            }
            if (i < line.size() && line[i] != ';') return false;  // text after a closing quote
        } else {
            while (i < line.size() && line[i] != ';') {
                char c = line[i];
                if (c == '"' || c == '\r' || c == '\n') return false;  // must have been quoted
                cell += c;
                ++i;
            }
        }
        cells->push_back(std::move(cell));
        if (i >= line.size()) return true;
        ++i;  // ';'
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> cells;
    size_t start = 0;
    for (size_t i = 0; i <= in.size(); ++i)
        if (i == in.size() || in[i] == '\x1f') {
            cells.emplace_back(in.substr(start, i - start));
            start = i + 1;
        }

    std::string line = CsvLine(cells);
    FUZZ_CHECK(line.size() >= 2 && line.compare(line.size() - 2, 2, "\r\n") == 0, "a CSV line ends with CRLF");
    std::vector<std::string> back;
    FUZZ_CHECK(ReadRecord(std::string_view(line).substr(0, line.size() - 2), &back), "a CSV line reads back");
    FUZZ_CHECK(back.size() == cells.size(), "as many cells read back as written");
    for (size_t i = 0; i < cells.size(); ++i) {
        std::string want = IsFormulaLike(cells[i]) ? "'" + cells[i] : cells[i];
        FUZZ_CHECK(back[i] == want, "a cell reads back as written (apostrophe before a formula)");
        FUZZ_CHECK(!IsFormulaLike(back[i]), "no cell reads back as a formula");
        char c = back[i].empty() ? 'x' : back[i][0];
        FUZZ_CHECK(c != '=' && c != '+' && c != '-' && c != '@' && c != '\t' && c != '\r', "formula characters");
    }
    std::string doc = CsvDocument({cells, cells});
    FUZZ_CHECK(doc.compare(0, 3, "\xEF\xBB\xBF") == 0 && doc.size() == 3 + 2 * line.size(), "CsvDocument = BOM + lines");
    return 0;
}
