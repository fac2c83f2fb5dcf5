// sync/server/static_files.cpp — see static_files.h.
#include "sync/server/static_files.h"

#include <climits>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <sys/stat.h>

namespace comptoir {

namespace {

std::string RealPath(const std::string& p) {
    char buf[PATH_MAX];
    if (!realpath(p.c_str(), buf)) return "";
    return buf;
}

bool IsRegularFile(const std::string& p) {
    struct stat st;
    return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool ReadFile(const std::string& p, std::string* out) {
    std::ifstream f(p, std::ios::binary);
    if (!f) return false;
    std::ostringstream ss;
    ss << f.rdbuf();
    *out = ss.str();
    return true;
}

bool EndsWith(const std::string& s, const char* suffix) {
    size_t n = std::char_traits<char>::length(suffix);
    return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

bool Accepts(const std::string& accept_encoding, const char* enc) {
    // Token match in a comma list, ignoring q-values except an explicit q=0.
    std::stringstream ss(accept_encoding);
    std::string part;
    while (std::getline(ss, part, ',')) {
        size_t b = part.find_first_not_of(" \t");
        if (b == std::string::npos) continue;
        std::string token = part.substr(b, part.find_first_of(" \t;", b) - b);
        if (token == enc) return part.find("q=0") == std::string::npos || part.find("q=0.") != std::string::npos;
    }
    return false;
}

}  // namespace

const char* MimeTypeOf(const std::string& path) {
    struct Entry {
        const char* ext;
        const char* type;
    };
    static const Entry kTypes[] = {
        {".html", "text/html; charset=utf-8"},
        // Not "text/javascript": httplib compresses text/* on the fly, which would
        // compress our precompressed .br/.gz a second time (see Get()).
        {".js", "application/javascript; charset=utf-8"},
        {".mjs", "application/javascript; charset=utf-8"},
        {".wasm", "application/wasm"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".webmanifest", "application/manifest+json"},
        {".png", "image/png"},
        {".svg", "image/svg+xml"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".ttf", "font/ttf"},
        {".otf", "font/otf"},
        {".txt", "text/plain; charset=utf-8"},
        {".map", "application/json"},
        {".data", "application/octet-stream"},
    };
    for (const Entry& e : kTypes)
        if (EndsWith(path, e.ext)) return e.type;
    return "application/octet-stream";
}

StaticFiles::StaticFiles(std::string root) {
    if (!root.empty()) root_ = RealPath(root);
}

StaticResult StaticFiles::Get(const std::string& url_path, const std::string& accept_encoding) const {
    StaticResult r;
    if (root_.empty() || url_path.empty() || url_path[0] != '/') return r;
    if (url_path.find('\0') != std::string::npos || url_path.find('\\') != std::string::npos) return r;
    // Segment check before touching the file system.
    std::stringstream ss(url_path);
    std::string seg;
    while (std::getline(ss, seg, '/'))
        if (seg == ".." || seg == ".") return r;
    std::string rel = url_path.substr(1);
    if (rel.empty() || rel.back() == '/') rel += "index.html";
    std::string full = root_ + "/" + rel;
    std::string real = RealPath(full);
    if (real.empty() || real.compare(0, root_.size() + 1, root_ + "/") != 0 || !IsRegularFile(real)) return r;

    std::string file = real;
    r.content_type = MimeTypeOf(real);
    // httplib (built with zlib/brotli) compresses text/*, JSON, SVG… itself when the client
    // accepts it; precompressed siblings serve the other types (.js, .wasm, fonts).
    const std::string& ct = r.content_type;
    bool compressed_by_httplib = ct.rfind("text/", 0) == 0 || ct == "image/svg+xml" || ct == "application/json";
    if (compressed_by_httplib) {
        // dynamic compression by the HTTP layer
    } else if (Accepts(accept_encoding, "br") && IsRegularFile(real + ".br")) {
        file = real + ".br";
        r.content_encoding = "br";
    } else if (Accepts(accept_encoding, "gzip") && IsRegularFile(real + ".gz")) {
        file = real + ".gz";
        r.content_encoding = "gzip";
    }
    if (!ReadFile(file, &r.body)) return StaticResult{};
    r.status = 200;
    std::string name = real.substr(real.rfind('/') + 1);
    static const std::regex kHashed(R"([.\-_][0-9a-fA-F]{8,}\.[A-Za-z0-9]+$)");
    if (EndsWith(name, ".html") || name == "sw.js" || EndsWith(name, ".webmanifest") || name == "manifest.json")
        r.cache_control = "no-cache";
    else if (std::regex_search(name, kHashed))
        r.cache_control = "public, max-age=31536000, immutable";
    else
        r.cache_control = "no-cache";
    return r;
}

}  // namespace comptoir
