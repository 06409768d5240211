// Seeded, deterministic network generators for the benchmarks.
//
//  * District heating (twin supply/return networks, water, Colebrook, heat losses):
//      - realistic: a looped trunk ring with branched distribution trees down to house
//        connections; one dp_control plant on the ring and a second fixed_flow plant opposite;
//      - street_grid: the worst case, a fully meshed square street grid with house
//        connections, one dp_control plant in the centre, on the same +-16 m terrain;
//      - street_grid_flat: the same grid on level ground. On the hills, mesh pipes that carry
//        almost no flow are driven by the weight of their own water column, which depends on
//        how much they cool (thermosiphon); the coupled solve then has no settling fixed point
//        from 1e4 pipes (benchmarks/README.md). Level ground separates that physics from the
//        meshing.
//    Pipes are sized from their design flow (EN 253 inner diameters, a specific pressure drop
//    target that keeps the plant's pump head below ~10 bar), so the hydraulics are those of a
//    plausible design and not of random diameters.
//  * EPANET-style water grid (Hazen-Williams, one reservoir, junction demands), produced both
//    as a heatnet NetworkDefinition and as the equivalent .inp text.
//
// Same (kind, size, seed) -> bit-identical network on every platform (own PRNG, no
// std::*_distribution).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "heatnet/network.hpp"

namespace heatnet::bench {

enum class DhKind { realistic, street_grid, street_grid_flat };
std::string_view to_string(DhKind k);
std::optional<DhKind> parse_dh_kind(std::string_view s);

struct DhNetworkInfo {
  long pipes = 0;            // supply + return
  long nodes = 0;
  long consumers = 0;
  long loops_per_side = 0;   // independent cycles of one side (pipes - nodes + 1 per side)
  double design_heat_W = 0;  // sum of consumer demands
  double design_flow_kg_s = 0;
  double estimated_path_dp_Pa = 0;  // plant -> critical consumer, one side, design flows
  std::string critical_consumer;
};

// target_pipes counts supply + return pipes (service pipes and plant connections included);
// the result is within a few percent of it.
struct DhOptions {
  bool second_plant = true;  // realistic: a fixed_flow plant opposite the main one on the ring
};
NetworkDefinition make_dh_network(DhKind kind, long target_pipes, std::uint64_t seed,
                                  DhNetworkInfo* info = nullptr, DhOptions options = {});

struct EpanetGrid {
  NetworkDefinition definition;  // hazen_williams, constant-property water, one pressure node
  std::string inp;               // the same network as EPANET 2 .inp text (LPS, H-W)
  long links = 0, junctions = 0;
};
// A square grid of junctions (100 m streets) with ~target_links pipes and one reservoir.
EpanetGrid make_epanet_grid(long target_links, std::uint64_t seed, bool with_inp = true);

}  // namespace heatnet::bench
