// The public headers (include/heatnet/) declare the compiled network's accessors but not its
// arrays, topology or pump-curve fitters (network/compiled.hpp, internal; issue #19 finding 5).
// This file includes public headers only: the compiled types must be incomplete here.
#include <catch2/catch.hpp>

#include <type_traits>

#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "heatnet/network.hpp"
#include "heatnet/network_schema.hpp"
#include "heatnet/profiles.hpp"
#include "heatnet/result.hpp"
#include "heatnet/simulate.hpp"
#include "heatnet/solve.hpp"
#include "heatnet/solver_options.hpp"

namespace {
template <class T, class = void>
struct is_complete : std::false_type {};
template <class T>
struct is_complete<T, std::void_t<decltype(sizeof(T))>> : std::true_type {};
}  // namespace

TEST_CASE("public headers keep the compiled network internal", "[api]") {
  CHECK_FALSE(is_complete<heatnet::Topology>::value);
  CHECK_FALSE(is_complete<heatnet::PipeData>::value);
  CHECK_FALSE(is_complete<heatnet::NodeData>::value);
  CHECK_FALSE(is_complete<heatnet::SourceData>::value);
  CHECK_FALSE(is_complete<heatnet::ConsumerData>::value);
  CHECK_FALSE(is_complete<heatnet::ValveData>::value);
  // what a user needs stays public
  CHECK(is_complete<heatnet::NetworkDefinition>::value);
  CHECK(is_complete<heatnet::Network>::value);
  CHECK(is_complete<heatnet::Settings>::value);
}
