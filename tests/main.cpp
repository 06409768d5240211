// Catch2 v2 entry point shared by every tests/test_*.cpp file.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
