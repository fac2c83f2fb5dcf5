// tests/unit/main.cpp — doctest's main, compiled once for every tests/unit/unit-*.cpp.
// Run natively: build/<dir>/tests/unit_tests ; as wasm:
//   node --no-experimental-fetch build/<dir>-wasm/tests/unit_tests.js
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
