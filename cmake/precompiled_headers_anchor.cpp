// The one source of goldenpath_test_precompiled_headers (cmake/GoldenpathPrecompiledHeaders.cmake):
// the target exists to build the precompiled header the test binaries reuse.
