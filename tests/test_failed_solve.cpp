// A failed solve leaves nothing behind that changes the next one: after it, the same Solver
// gives, bit for bit, what a fresh Solver gives (issue 19, finding 4).
#include <catch2/catch.hpp>

#include <filesystem>

#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "heatnet/solve.hpp"

using namespace heatnet;

namespace {

Network oral() {
  return Network::build(
      io::read_network_json(std::filesystem::path(HEATNET_SOURCE_DIR) / "examples/oral/oral.json"));
}

void require_identical(const Solution& a, const Solution& b) {
  REQUIRE(a.values.size() == b.values.size());
  for (std::size_t f = 0; f < a.values.size(); ++f) {
    INFO("result field " << f);
    REQUIRE(a.values[f] == b.values[f]);  // bit for bit, not approximately
  }
  CHECK(a.iterations == b.iterations);
}

}  // namespace

TEST_CASE("after a solve that does not converge the next solve is a fresh one", "[solver][state]") {
  const Network net = oral();
  Solver fresh;
  const Solution expected = fresh.solve(net);
  REQUIRE(fresh.report().usable());

  SolverOptions starved;
  starved.max_outer_iterations = 2;  // the coupling cannot settle in two outer iterations
  Solver reused(starved);
  (void)reused.solve(net);
  REQUIRE_FALSE(reused.report().usable());
  reused.set_options(SolverOptions{});
  const Solution after = reused.solve(net);
  REQUIRE(reused.report().usable());
  require_identical(after, expected);
}

TEST_CASE("after a solve that throws the next solve is a fresh one", "[solver][state]") {
  const Network net = oral();
  Solver fresh;
  const Solution expected = fresh.solve(net);

  Solver reused;
  (void)reused.solve(net);  // a warm state and a thermal plan to leave behind
  SolverOptions hazen;
  hazen.friction = FrictionModel::hazen_williams;  // Oral's pipes have no hazen_williams_c
  reused.set_options(hazen);
  REQUIRE_THROWS_AS(reused.solve(net), NetworkError);
  reused.set_options(SolverOptions{});
  const Solution after = reused.solve(net);
  require_identical(after, expected);
}
