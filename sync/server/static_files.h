// sync/server/static_files.h — serves the built web app (index.html, .js, .wasm, fonts…).
//
//   StaticFiles files("/srv/comptoir/web");
//   StaticResult r = files.Get("/app.wasm", "gzip, br");   // r.status 200/404
//
// - MIME types by extension, `application/wasm` for .wasm (streaming compilation).
// - Precompressed siblings: `x.br` then `x.gz` when the client accepts that encoding,
//   for types httplib does not compress itself (.js, .wasm, fonts…); html/css/json/svg
//   are compressed on the fly by httplib (built with brotli and zlib on Debian).
// - Cache-Control: `no-cache` for html, sw.js and manifests (they name the others);
//   `max-age=31536000, immutable` for names carrying a content hash ("app.3f9a1c2b.js");
//   `no-cache` otherwise (revalidated, so a .js and its .wasm never mix builds).
// - Path traversal refused: "..", backslashes, NUL, and anything resolving outside the
//   root (symlinks included) give 404.
#pragma once
#include <string>

namespace comptoir {

struct StaticResult {
    int status = 404;
    std::string body;
    std::string content_type;
    std::string content_encoding;   // "", "br", "gzip"
    std::string cache_control;
};

class StaticFiles {
public:
    explicit StaticFiles(std::string root);
    bool Enabled() const { return !root_.empty(); }
    const std::string& Root() const { return root_; }
    StaticResult Get(const std::string& url_path, const std::string& accept_encoding) const;

private:
    std::string root_;   // canonical absolute path, "" if none
};

const char* MimeTypeOf(const std::string& path);

}  // namespace comptoir
