// app/admin_web.cpp — the browser side of the admin exports: downloads with the bearer
// token and a PNG of the canvas (web/js/platform.js comptoirPlatform.download/savePng).
// Natively there is no download (g_admin_download stays null; the dashboard says so).
#include "app/admin.h"

#ifdef __EMSCRIPTEN__
#include <emscripten/emscripten.h>
#endif

namespace comptoir::app {

#ifdef __EMSCRIPTEN__
namespace {
// clang-format off
EM_JS(int, js_admin_download, (const char* path, const char* token, const char* filename), {
    var P = Module['comptoirPlatform'];
    if (!P || !P.download) return 0;
    P.download(UTF8ToString(path), UTF8ToString(token), UTF8ToString(filename));
    return 1;
});
EM_JS(int, js_admin_save_png, (const char* filename), {
    var P = Module['comptoirPlatform'];
    if (!P || !P.savePng) return 0;
    P.savePng(UTF8ToString(filename));
    return 1;
});
// clang-format on

bool WebDownload(const std::string& path, const std::string& token, const std::string& filename) {
    if (filename.size() > 4 && filename.compare(filename.size() - 4, 4, ".png") == 0)
        return js_admin_save_png(filename.c_str()) != 0;   // the canvas itself, no request
    return js_admin_download(path.c_str(), token.c_str(), filename.c_str()) != 0;
}
}  // namespace
AdminDownloadFn g_admin_download = WebDownload;
#else
AdminDownloadFn g_admin_download = nullptr;
#endif

}  // namespace comptoir::app
