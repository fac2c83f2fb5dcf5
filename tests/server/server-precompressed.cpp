// tests/server/server-precompressed.cpp — the web build's precompressed assets (.br/.gz
// written by the post-build step of app/CMakeLists.txt) are what comptoir-server sends to
// a browser accepting them, and they decompress to exactly the original files.
// Web root: COMPTOIR_WEB_ROOT (scripts/test sets it to build/wasm/web), else build/wasm/web.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "server_harness.h"

using namespace testsrv;

namespace {

std::string ReadAll(const std::string& path, bool* ok) {
    std::ifstream in(path, std::ios::binary);
    *ok = in.good();
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string WebRoot() {
    if (const char* r = std::getenv("COMPTOIR_WEB_ROOT"); r && *r) return r;
    std::string file = __FILE__;
    return file.substr(0, file.rfind("/tests/server/")) + "/build/wasm/web";
}

}  // namespace

TEST_CASE("web build: precompressed .br/.gz are served for Accept-Encoding and decompress to the originals") {
    const std::string root = WebRoot();
    CAPTURE(root);
    TestServer srv({}, root);
    REQUIRE(srv.Running());
    httplib::Client raw = srv.Client();
    raw.set_decompress(false);   // compare the bytes on the wire with the .br/.gz files
    httplib::Client cli = srv.Client();
    cli.set_decompress(true);    // what a browser gets after decoding

    for (const std::string name : {"index.html", "comptoir.js", "comptoir.wasm", "sw.js", "manifest.webmanifest"}) {
        CAPTURE(name);
        bool ok = false;
        const std::string original = ReadAll(root + "/" + name, &ok);
        REQUIRE_MESSAGE(ok, "the web build is missing " << name);
        const std::string br_file = ReadAll(root + "/" + name + ".br", &ok);
        REQUIRE_MESSAGE(ok, "the build did not write " << name << ".br");
        const std::string gz_file = ReadAll(root + "/" + name + ".gz", &ok);
        REQUIRE_MESSAGE(ok, "the build did not write " << name << ".gz");
        CHECK(br_file.size() < original.size());

        auto br = raw.Get("/" + name, {{"Accept-Encoding", "br"}});
        REQUIRE(br);
        CHECK(br->status == 200);
        CHECK(br->get_header_value("Content-Encoding") == "br");
        CHECK(br->get_header_value("Vary") == "Accept-Encoding");
        // text/* (the html) is compressed on the fly by the HTTP layer (static_files.cpp);
        // the other types are the build's files, byte for byte.
        const bool dynamic = name.size() > 5 && name.compare(name.size() - 5, 5, ".html") == 0;
        if (!dynamic) CHECK(br->body == br_file);

        auto gz = raw.Get("/" + name, {{"Accept-Encoding", "gzip"}});
        REQUIRE(gz);
        CHECK(gz->get_header_value("Content-Encoding") == "gzip");
        if (!dynamic) CHECK(gz->body == gz_file);

        auto decoded_br = cli.Get("/" + name, {{"Accept-Encoding", "br"}});
        REQUIRE(decoded_br);
        CHECK(decoded_br->body.size() == original.size());
        CHECK(decoded_br->body == original);
        auto decoded_gz = cli.Get("/" + name, {{"Accept-Encoding", "gzip"}});
        REQUIRE(decoded_gz);
        CHECK(decoded_gz->body == original);
    }
}
