#include "generators.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <numbers>
#include <queue>
#include <stdexcept>
#include <utility>
#include <vector>

namespace heatnet::bench {

std::string_view to_string(DhKind k) {
  switch (k) {
    case DhKind::realistic: return "realistic";
    case DhKind::street_grid: return "street_grid";
    case DhKind::street_grid_flat: return "street_grid_flat";
  }
  return "?";
}
std::optional<DhKind> parse_dh_kind(std::string_view s) {
  if (s == "realistic") return DhKind::realistic;
  if (s == "street_grid" || s == "grid" || s == "mesh") return DhKind::street_grid;
  if (s == "street_grid_flat") return DhKind::street_grid_flat;
  return std::nullopt;
}

namespace {

// ---- deterministic PRNG (SplitMix64 seeding a xoshiro256**) -----------------------------------
class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    for (auto& w : s_) {
      seed += 0x9E3779B97F4A7C15ull;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      w = z ^ (z >> 31);
    }
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  double uniform(double a, double b) { return a + (b - a) * uniform(); }
  long index(long n) { return static_cast<long>(uniform() * static_cast<double>(n)); }
  double normal() {  // Box-Muller
    const double u1 = 1.0 - uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> s_{};
};

// ---- pipe sizing ----------------------------------------------------------------------------
// EN 253 pre-insulated steel pipes, inner diameters (m), DN20 .. DN1200.
constexpr std::array kInnerDiameters = {0.0217, 0.0285, 0.0372, 0.0431, 0.0545, 0.0703, 0.0825,
                                        0.1071, 0.1325, 0.1603, 0.2101, 0.2630, 0.3127, 0.3444,
                                        0.3938, 0.4446, 0.4954, 0.5958, 0.6950, 0.7954, 0.8940,
                                        0.9940, 1.1940};
constexpr double kDesignRho = 970.0;       // kg/m3 at ~80 degC
constexpr double kDesignNu = 3.6e-7;       // m2/s at ~80 degC
constexpr double kRoughness = 5e-5;        // m (steel DH pipes, 0.05 mm)
constexpr double kDesignSupplyC = 85.0;    // assumed supply temperature at consumers (sizing)

// Specific pressure drop (Pa/m) of mass flow m in a pipe of inner diameter d (Swamee-Jain).
double gradient(double m, double d) {
  if (m <= 0) return 0.0;
  const double area = std::numbers::pi * 0.25 * d * d;
  const double v = m / (kDesignRho * area);
  const double re = v * d / kDesignNu;
  double lambda;
  if (re < 2000) {
    lambda = 64.0 / re;
  } else {
    const double l = std::log10(kRoughness / (3.7 * d) + 5.74 / std::pow(re, 0.9));
    lambda = 0.25 / (l * l);
  }
  return lambda / d * 0.5 * kDesignRho * v * v;
}

double size_diameter(double m, double target_Pa_m, double min_d) {
  for (double d : kInnerDiameters)
    if (d >= min_d && gradient(m, d) <= target_Pa_m) return d;
  double d = kInnerDiameters.back();
  while (gradient(m, d) > target_Pa_m) d *= 1.05;  // beyond the catalogue (very large networks)
  return d;
}

// Smooth terrain, +-16 m.
double terrain(double x, double y) {
  return 20.0 + 10.0 * std::sin(x / 3000.0) + 6.0 * std::cos(y / 2100.0 + 0.3);
}

// ---- one side of a DH network (the supply side; the return side mirrors it) ----------------
enum class EdgeRole : std::uint8_t { trunk, street, service, plant };

struct Edge {
  int a = 0, b = 0;  // design flow direction a -> b
  double length = 0;
  double design_flow = 0;
  EdgeRole role = EdgeRole::street;
  double diameter = 0;
};

struct Building {
  int node = 0;
  double demand_kW = 0, return_C = 0;
  double design_flow() const { return demand_kW * 1e3 / (4190.0 * (kDesignSupplyC - return_C)); }
};

struct Side {
  std::vector<double> x, y;
  std::vector<Edge> edges;
  std::vector<Building> buildings;
  int plant = -1, plant2 = -1;
  double plant2_fraction = 0;
  int add_node(double px, double py) {
    x.push_back(px);
    y.push_back(py);
    return static_cast<int>(x.size()) - 1;
  }
  int add_edge(int a, int b, double length, EdgeRole role) {
    edges.push_back({a, b, length, 0.0, role, 0.0});
    return static_cast<int>(edges.size()) - 1;
  }
};

Building random_building(Rng& rng, int node, double median_kW) {
  // realistic: mostly single-family houses (10-40 kW) and a tail of apartment blocks;
  // street grid (dense urban blocks): median 80 kW. Log-normal, clamped to 8 kW .. 2 MW.
  const double kw = std::clamp(std::exp(std::log(median_kW) + 0.8 * rng.normal()), 8.0, 2000.0);
  return {node, std::round(kw * 10.0) / 10.0, std::round(rng.uniform(60.0, 70.0) * 10.0) / 10.0};
}

double nominal_gradient(EdgeRole r) {
  switch (r) {
    case EdgeRole::trunk: return 40.0;
    case EdgeRole::plant: return 40.0;
    case EdgeRole::street: return 80.0;
    case EdgeRole::service: return 150.0;
  }
  return 100.0;
}
double min_diameter(EdgeRole r) {
  switch (r) {
    case EdgeRole::trunk: return 0.1071;
    case EdgeRole::plant: return 0.1071;
    case EdgeRole::street: return 0.0431;
    case EdgeRole::service: return 0.0285;
  }
  return 0.0285;
}

// Estimated design pressure drop (Pa, one side) from the nearest of `plants` to every node:
// Dijkstra on each edge's drop at its design flow.
std::vector<double> design_drops(const Side& side, const std::vector<int>& plants) {
  const int n = static_cast<int>(side.x.size());
  std::vector<std::vector<std::pair<int, int>>> adj(n);  // (neighbour, edge)
  for (int e = 0; e < static_cast<int>(side.edges.size()); ++e) {
    adj[side.edges[e].a].push_back({side.edges[e].b, e});
    adj[side.edges[e].b].push_back({side.edges[e].a, e});
  }
  std::vector<double> dist(n, std::numeric_limits<double>::infinity());
  using Item = std::pair<double, int>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> heap;
  for (int p : plants) {
    dist[p] = 0;
    heap.push({0.0, p});
  }
  while (!heap.empty()) {
    auto [d, u] = heap.top();
    heap.pop();
    if (d > dist[u]) continue;
    for (auto [v, e] : adj[u]) {
      const Edge& ed = side.edges[e];
      const double w = gradient(ed.design_flow, ed.diameter) * ed.length;
      if (d + w < dist[v]) {
        dist[v] = d + w;
        heap.push({dist[v], v});
      }
    }
  }
  return dist;
}

// The building with the largest estimated drop from the nearest of `plants`, and that drop.
std::pair<int, double> farthest_building(const Side& side, const std::vector<int>& plants) {
  const std::vector<double> dist = design_drops(side, plants);
  int farthest = 0;
  for (int b = 0; b < static_cast<int>(side.buildings.size()); ++b)
    if (dist[side.buildings[b].node] > dist[side.buildings[farthest].node]) farthest = b;
  return {farthest, dist[side.buildings[farthest].node]};
}

// Sizes every edge; scales the pressure-drop targets down until the estimated plant ->
// farthest consumer drop is below max_path_Pa. Returns the critical building index and its
// estimated drop.
std::pair<int, double> size_side(Side& side, double max_path_Pa) {
  double scale = 1.0;
  std::pair<int, double> critical{0, 0.0};
  for (int pass = 0; pass < 6; ++pass) {
    for (auto& e : side.edges)
      e.diameter = size_diameter(e.design_flow, scale * nominal_gradient(e.role), min_diameter(e.role));
    critical = farthest_building(side, {side.plant});
    if (critical.second <= max_path_Pa) break;
    scale *= 0.9 * max_path_Pa / critical.second;
  }
  return critical;
}

// Plant 2 (fixed_flow, opposite plant 1 on the ring) is meant to carry about this share of
// the design flow.
constexpr double kPlant2Share = 0.3;

// Sizes the trunk ring for both plants feeding it: plant 2 serves the arc of ring nodes around
// `half` whose trees take about `share` of the design flow, plant 1 (at ring node 0) the rest,
// and each ring pipe carries what lies beyond it inside its plant's arc. The two pipes where
// the arcs meet carry nothing at the ideal split but whatever the controls leave over in
// operation: they are sized like their neighbours (a ring main keeps its size). A ring sized
// as if plant 1 fed everything is far too narrow around plant 2 for its fixed flow (from 5e5
// pipes: plant 1 pushed backwards, or no solution). Returns plant 2's share (whole ring nodes).
double size_ring_for_two_plants(Side& s, const std::vector<int>& ring_edge,
                                const std::vector<double>& flow, int half, double share) {
  const int ring = static_cast<int>(ring_edge.size());
  auto at = [ring](int r) { return ((r % ring) + ring) % ring; };
  double total = 0;
  for (int r = 0; r < ring; ++r) total += flow[r];
  // Grow plant 2's arc from `half` outwards, one side then the other, up to its share.
  std::vector<int> feeder(ring, 1);
  feeder[half] = 2;
  double served = flow[half];
  int lo = half, hi = half;
  for (bool up = true; served < share * total && hi - lo + 1 < ring - 1; up = !up) {
    const int next = up ? hi + 1 : lo - 1;
    if (at(next) == 0) continue;  // plant 1's node stays plant 1's
    feeder[at(next)] = 2;
    served += flow[at(next)];
    (up ? hi : lo) = next;
  }
  // Ring pipe j joins ring nodes j and j+1. Walk each arc outwards from its plant.
  for (int e : ring_edge) s.edges[e].design_flow = 0;
  for (const int root : {0, half}) {
    for (const int dir : {+1, -1}) {
      std::vector<int> arc;  // ring nodes beyond root in direction dir, same feeder
      for (int k = 1; k < ring && feeder[at(root + dir * k)] == feeder[root]; ++k)
        arc.push_back(at(root + dir * k));
      double beyond = 0;
      for (int k = static_cast<int>(arc.size()) - 1; k >= 0; --k) {
        beyond += flow[arc[k]];
        const int pipe = dir > 0 ? at(arc[k] - 1) : arc[k];  // between arc[k] and its inner side
        s.edges[ring_edge[pipe]].design_flow = beyond;
      }
    }
  }
  for (int r = 0; r < ring; ++r)
    if (feeder[r] != feeder[at(r + 1)])
      s.edges[ring_edge[r]].design_flow = 0.5 * (s.edges[ring_edge[at(r - 1)]].design_flow +
                                                 s.edges[ring_edge[at(r + 1)]].design_flow);
  return total > 0 ? served / total : 0;
}

// Realistic: trunk ring, trees, house connections.
Side realistic_side(long per_side, Rng& rng) {
  Side s;
  const int ring = std::clamp(static_cast<int>(std::lround(std::sqrt(per_side) / 10.0)), 6, 48);
  std::vector<double> ring_len(ring);
  double circumference = 0;
  for (auto& l : ring_len) circumference += (l = rng.uniform(150.0, 400.0));
  const double radius = circumference / (2 * std::numbers::pi);
  double angle = 0;
  for (int r = 0; r < ring; ++r) {
    s.add_node(radius * std::cos(angle), radius * std::sin(angle));
    angle += 2 * std::numbers::pi * ring_len[r] / circumference;
  }
  std::vector<int> ring_edge(ring);
  for (int r = 0; r < ring; ++r)
    ring_edge[r] = s.add_edge(r, (r + 1) % ring, ring_len[r], EdgeRole::trunk);
  s.plant = s.add_node(1.05 * s.x[0], 1.05 * s.y[0]);
  const int plant_edge = s.add_edge(s.plant, 0, 50.0, EdgeRole::plant);
  const int half = ring / 2;
  s.plant2 = s.add_node(1.05 * s.x[half], 1.05 * s.y[half]);
  const int plant2_edge = s.add_edge(s.plant2, half, 50.0, EdgeRole::plant);

  // Distribution trees: each new street node extends the current street (p = 0.6) or branches
  // off a random earlier node with fewer than 3 branches. 85 % of street nodes get a house
  // connection; every dead end gets one (no stagnant dead ends).
  std::vector<int> parent(s.x.size(), -1), up_edge(s.x.size(), -1), children(s.x.size(), 0);
  std::vector<char> has_building(s.x.size(), 0);
  std::vector<double> heading(s.x.size(), 0.0);
  for (int r = 0; r < ring; ++r) heading[r] = std::atan2(s.y[r], s.x[r]);  // outwards
  const long budget = std::max<long>(per_side - static_cast<long>(s.edges.size()), ring);
  auto add_building = [&](int street_node) {
    const double ang = rng.uniform(0, 2 * std::numbers::pi), len = rng.uniform(8.0, 30.0);
    const int b = s.add_node(s.x[street_node] + len * std::cos(ang), s.y[street_node] + len * std::sin(ang));
    parent.push_back(street_node);
    up_edge.push_back(s.add_edge(street_node, b, len, EdgeRole::service));
    children.push_back(0);
    has_building.push_back(1);
    heading.push_back(0);
    has_building[street_node] = 1;
    s.buildings.push_back(random_building(rng, b, 25.0));
  };
  for (int r = 0; r < ring; ++r) {
    const long tree_budget = budget / ring + (r < budget % ring ? 1 : 0);
    std::vector<int> tree = {r};
    long used = 0, lacking = 0;
    int last = r;
    while (used + lacking < tree_budget) {
      int p = last;
      if (rng.uniform() >= 0.6) {
        for (int tries = 0; tries < 8; ++tries) {
          const int cand = tree[rng.index(static_cast<long>(tree.size()))];
          if (children[cand] < 3) {
            p = cand;
            break;
          }
        }
      }
      if (p != r && children[p] == 0 && !has_building[p]) --lacking;
      ++children[p];
      const double ang = heading[p] + (p == last ? rng.uniform(-0.3, 0.3) : rng.uniform(-1.6, 1.6));
      const double len = rng.uniform(15.0, 60.0);
      const int c = s.add_node(s.x[p] + len * std::cos(ang), s.y[p] + len * std::sin(ang));
      parent.push_back(p);
      up_edge.push_back(s.add_edge(p, c, len, EdgeRole::street));
      children.push_back(0);
      has_building.push_back(0);
      heading.push_back(ang);
      tree.push_back(c);
      ++used;
      if (rng.uniform() < 0.85) {
        add_building(c);
        ++used;
      } else {
        ++lacking;
      }
      last = c;
    }
    for (int v : tree)
      if (v != r && children[v] == 0 && !has_building[v]) add_building(v);
  }

  // Design flows: trees exactly (children are created after their parents).
  std::vector<double> flow(s.x.size(), 0.0);
  for (const auto& b : s.buildings) flow[b.node] += b.design_flow();
  for (int v = static_cast<int>(s.x.size()) - 1; v >= 0; --v) {
    if (up_edge[v] < 0) continue;
    s.edges[up_edge[v]].design_flow = flow[v];
    flow[parent[v]] += flow[v];
  }
  double total = 0;
  for (int r = 0; r < ring; ++r) total += flow[r];
  s.plant2_fraction = size_ring_for_two_plants(s, ring_edge, flow, half, kPlant2Share);
  s.edges[plant_edge].design_flow = total;
  s.edges[plant2_edge].design_flow = s.plant2_fraction * total;
  return s;
}

// Worst case: fully meshed street grid, house connections at 70 % of the crossings.
Side grid_side(long per_side, Rng& rng) {
  Side s;
  const int w = std::max(3, static_cast<int>(std::lround(std::sqrt(per_side / 2.7))));
  const int h = std::max(3, static_cast<int>(std::lround(static_cast<double>(per_side - 1) /
                                                          (2.7 * w))));
  constexpr double kBlock = 80.0;
  for (int j = 0; j < h; ++j)
    for (int i = 0; i < w; ++i) s.add_node(i * kBlock, j * kBlock);
  auto id = [&](int i, int j) { return j * w + i; };
  const int ci = w / 2, cj = h / 2;
  auto level = [&](int v) { return std::abs(v % w - ci) + std::abs(v / w - cj); };
  std::vector<int> grid_edges;
  for (int j = 0; j < h; ++j)
    for (int i = 0; i < w; ++i) {
      // orient every street away from the centre (design flow direction)
      auto link = [&](int u, int v) {
        if (level(u) > level(v)) std::swap(u, v);
        grid_edges.push_back(s.add_edge(u, v, rng.uniform(0.85, 1.15) * kBlock, EdgeRole::street));
      };
      if (i + 1 < w) link(id(i, j), id(i + 1, j));
      if (j + 1 < h) link(id(i, j), id(i, j + 1));
    }
  const int crossings = w * h;
  for (int v = 0; v < crossings; ++v) {
    if (rng.uniform() >= 0.7) continue;
    const double ang = rng.uniform(0, 2 * std::numbers::pi), len = rng.uniform(8.0, 30.0);
    const int b = s.add_node(s.x[v] + len * std::cos(ang), s.y[v] + len * std::sin(ang));
    const int e = s.add_edge(v, b, len, EdgeRole::service);
    s.buildings.push_back(random_building(rng, b, 80.0));
    s.edges[e].design_flow = s.buildings.back().design_flow();
  }
  s.plant = s.add_node(s.x[id(ci, cj)] + 30.0, s.y[id(ci, cj)] + 30.0);
  const int plant_edge = s.add_edge(s.plant, id(ci, cj), 50.0, EdgeRole::plant);
  // Design flow of a street between Manhattan levels r-1 and r: everything at level >= r,
  // shared by the streets crossing that level (x2 for the uneven split of a mesh).
  const int max_level = level(id(0, 0)) + level(id(w - 1, h - 1)) + w + h;
  std::vector<double> at_level(max_level + 2, 0.0);
  std::vector<int> crossing(max_level + 2, 0);
  double total = 0;
  for (const auto& b : s.buildings) {
    const int street = s.edges[static_cast<std::size_t>(b.node - crossings) + grid_edges.size()].a;
    at_level[level(street)] += b.design_flow();
    total += b.design_flow();
  }
  for (int e : grid_edges) ++crossing[level(s.edges[e].b)];
  std::vector<double> beyond(max_level + 2, 0.0);
  for (int r = max_level; r >= 0; --r) beyond[r] = beyond[r + 1] + at_level[r];
  for (int e : grid_edges) {
    const int r = level(s.edges[e].b);
    s.edges[e].design_flow = 2.0 * beyond[r] / std::max(crossing[r], 1);
  }
  s.edges[plant_edge].design_flow = total;
  return s;
}

}  // namespace

NetworkDefinition make_dh_network(DhKind kind, long target_pipes, std::uint64_t seed,
                                  DhNetworkInfo* info, DhOptions options) {
  if (target_pipes < 40) throw std::invalid_argument("target_pipes must be >= 40");
  // the flat street grid is the same grid as the hilly one, on level ground
  const bool flat = kind == DhKind::street_grid_flat;
  const DhKind layout = flat ? DhKind::street_grid : kind;
  Rng rng(seed * 0x2545F4914F6CDD1Dull + static_cast<std::uint64_t>(layout));
  const long per_side = target_pipes / 2;
  Side side = layout == DhKind::realistic ? realistic_side(per_side, rng) : grid_side(per_side, rng);
  // keep the pump head below ~10 bar: 2 x 3.5 bar network + 1 bar consumer + margin
  // PLANT1 holds its dp at the worst-supplied building: with a second plant feeding the ring,
  // that is where the two plants' supply areas meet, not the building farthest from PLANT1
  // (which sits next to PLANT2 and is well supplied by it; holding 1 bar there left
  // consumers at the meeting point valve-limited at 20 Pa: an under-supplied network).
  const auto [sized_critical, path_dp] = size_side(side, 3.5e5);
  const bool two_plants = side.plant2 >= 0 && options.second_plant;
  const int critical =
      two_plants ? farthest_building(side, {side.plant, side.plant2}).first : sized_critical;

  NetworkDefinition def;
  def.name = std::string("dh_") + std::string(to_string(kind)) + "_" + std::to_string(target_pipes);
  def.description = "synthetic district heating network (heatnet benchmarks), seed " +
                    std::to_string(seed);
  def.settings.fluid.is_water = true;
  def.settings.friction = FrictionModel::colebrook;
  def.settings.ambient_temperature_C = 10.0;
  def.settings.temperature_C = 60.0;

  const int n = static_cast<int>(side.x.size());
  auto sid = [](int i) { return "S" + std::to_string(i); };
  auto rid = [](int i) { return "R" + std::to_string(i); };
  def.nodes.reserve(2 * n);
  for (int i = 0; i < n; ++i) {
    NodeDefinition nd;
    nd.id = sid(i);
    nd.elevation_m = flat ? 0.0 : std::round(terrain(side.x[i], side.y[i]) * 100.0) / 100.0;
    nd.x = std::round(side.x[i] * 10.0) / 10.0;
    nd.y = std::round(side.y[i] * 10.0) / 10.0;
    def.nodes.push_back(nd);
    nd.id = rid(i);
    def.nodes.push_back(std::move(nd));
  }
  const int m = static_cast<int>(side.edges.size());
  def.pipes.reserve(2 * m);
  for (int e = 0; e < m; ++e) {
    const Edge& ed = side.edges[e];
    PipeDefinition p;
    p.length_m = std::round(ed.length * 10.0) / 10.0;
    p.inner_diameter_m = std::round(ed.diameter * 1e5) / 1e5;
    p.roughness_mm = kRoughness * 1e3;
    p.id = "PS" + std::to_string(e);
    p.from = sid(ed.a);
    p.to = sid(ed.b);
    p.heat_loss_W_mK = std::round(rng.uniform(0.2, 0.6) * 1000.0) / 1000.0;
    def.pipes.push_back(p);
    p.id = "PR" + std::to_string(e);
    p.from = rid(ed.b);
    p.to = rid(ed.a);
    p.heat_loss_W_mK = std::round(rng.uniform(0.2, 0.6) * 1000.0) / 1000.0;
    def.pipes.push_back(std::move(p));
  }
  double heat = 0, flow = 0;
  def.consumers.reserve(side.buildings.size());
  for (std::size_t b = 0; b < side.buildings.size(); ++b) {
    const Building& bd = side.buildings[b];
    ConsumerDefinition c;
    c.id = "C" + std::to_string(b);
    c.supply_node = sid(bd.node);
    c.return_node = rid(bd.node);
    c.heat_demand_kW = bd.demand_kW;
    c.return_temperature_C = bd.return_C;
    heat += bd.demand_kW * 1e3;
    flow += bd.design_flow();
    def.consumers.push_back(std::move(c));
  }
  SourceDefinition plant;
  plant.id = "PLANT1";
  plant.supply_node = sid(side.plant);
  plant.return_node = rid(side.plant);
  plant.supply_temperature_C = 90.0;
  plant.return_pressure_bar = 3.0;
  plant.pump.type = SourcePumpType::dp_control;
  plant.pump.dp_bar = 1.0;
  plant.pump.consumer = def.consumers[critical].id;
  def.sources.push_back(plant);
  if (two_plants) {
    SourceDefinition p2;
    p2.id = "PLANT2";
    p2.supply_node = sid(side.plant2);
    p2.return_node = rid(side.plant2);
    p2.supply_temperature_C = 88.0;
    p2.pump.type = SourcePumpType::fixed_flow;
    p2.pump.mass_flow_kg_s = std::round(side.plant2_fraction * flow * 1000.0) / 1000.0;
    def.sources.push_back(std::move(p2));
  }
  if (info) {
    info->pipes = static_cast<long>(def.pipes.size());
    info->nodes = static_cast<long>(def.nodes.size());
    info->consumers = static_cast<long>(def.consumers.size());
    info->loops_per_side = m - n + 1;
    info->design_heat_W = heat;
    info->design_flow_kg_s = flow;
    info->estimated_path_dp_Pa = path_dp;
    info->critical_consumer = def.consumers[critical].id;
  }
  return def;
}

// ---- EPANET-style water grid ------------------------------------------------------------------
namespace {
// Hazen-Williams head loss per metre (SI, EPANET's 10.67 constant): Q m3/s, d m.
double hw_gradient(double q, double d, double c) {
  return 10.67 * std::pow(q, 1.852) / (std::pow(c, 1.852) * std::pow(d, 4.871));
}
constexpr std::array kWaterDiametersMm = {100.0, 150.0, 200.0, 250.0, 300.0, 350.0, 400.0,
                                          450.0, 500.0, 600.0, 700.0, 800.0, 900.0, 1000.0,
                                          1200.0, 1400.0, 1600.0, 1800.0, 2000.0, 2400.0};
double size_water_mm(double q, double target, double c) {
  for (double d : kWaterDiametersMm)
    if (hw_gradient(q, d * 1e-3, c) <= target) return d;
  return kWaterDiametersMm.back();
}
std::string fmt(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}
}  // namespace

EpanetGrid make_epanet_grid(long target_links, std::uint64_t seed, bool with_inp) {
  Rng rng(seed * 0x9E3779B97F4A7C15ull + 7);
  // links = 2 w (w - 1) + 1 (reservoir pipe)
  const int w = std::max(3, static_cast<int>(std::lround(std::sqrt(target_links / 2.0))));
  constexpr double kStreet = 100.0, kHeadRes = 80.0, kDemandLps = 0.05;
  const int n = w * w;
  const int ci = w / 2;
  auto level = [&](int v) { return std::abs(v % w - ci) + std::abs(v / w - ci); };
  std::vector<double> elev(n), demand(n);
  for (int v = 0; v < n; ++v) {
    elev[v] = std::round(terrain((v % w) * kStreet, (v / w) * kStreet) * 100.0) / 100.0;
    demand[v] = std::round(kDemandLps * rng.uniform(0.2, 1.8) * 1000.0) / 1000.0;
  }
  struct WPipe { int a, b; double len, d_mm, c; };
  std::vector<WPipe> pipes;
  pipes.reserve(2 * n);
  for (int j = 0; j < w; ++j)
    for (int i = 0; i < w; ++i) {
      const int v = j * w + i;
      if (i + 1 < w) pipes.push_back({v, v + 1, std::round(rng.uniform(85, 115)), 0, std::round(rng.uniform(100, 140))});
      if (j + 1 < w) pipes.push_back({v, v + w, std::round(rng.uniform(85, 115)), 0, std::round(rng.uniform(100, 140))});
    }
  // radial sizing as for the DH grid; total head loss centre -> corner about 40 m
  const int max_level = 2 * w + 2;
  std::vector<double> at(max_level + 2, 0.0), beyond(max_level + 2, 0.0);
  std::vector<int> crossing(max_level + 2, 0);
  double total = 0;
  for (int v = 0; v < n; ++v) {
    at[level(v)] += demand[v] * 1e-3;
    total += demand[v] * 1e-3;
  }
  for (int r = max_level; r >= 0; --r) beyond[r] = beyond[r + 1] + at[r];
  for (const auto& p : pipes) ++crossing[std::max(level(p.a), level(p.b))];
  const double target = 40.0 / (2.0 * ci * kStreet);
  for (auto& p : pipes) {
    const int r = std::max(level(p.a), level(p.b));
    p.d_mm = size_water_mm(2.0 * beyond[r] / std::max(crossing[r], 1), target, p.c);
  }
  const int centre = ci * w + ci;
  const double res_d = size_water_mm(total, target, 130.0);

  EpanetGrid g;
  g.links = static_cast<long>(pipes.size()) + 1;
  g.junctions = n;
  NetworkDefinition& def = g.definition;
  def.name = "epanet_grid_" + std::to_string(g.links);
  def.description = "synthetic Hazen-Williams grid, one reservoir (heatnet benchmarks)";
  def.settings.fluid.is_water = false;
  def.settings.fluid.density_kg_m3 = 1000.0;
  def.settings.fluid.kinematic_viscosity_m2_s = 1.0e-6;
  def.settings.fluid.specific_heat_J_kgK = 4186.0;
  def.settings.friction = FrictionModel::hazen_williams;
  def.nodes.reserve(n + 1);
  for (int v = 0; v < n; ++v) {
    NodeDefinition nd;
    nd.id = "J" + std::to_string(v + 1);
    nd.elevation_m = elev[v];
    nd.demand_kg_s = demand[v];  // L/s of water at 1000 kg/m3
    def.nodes.push_back(std::move(nd));
  }
  {
    NodeDefinition res;
    res.id = "RES";
    res.elevation_m = kHeadRes;
    def.nodes.push_back(std::move(res));
    def.pressure_nodes.push_back({"RES", 0.0, 20.0});
  }
  def.pipes.reserve(pipes.size() + 1);
  auto add_pipe = [&](std::string id, std::string from, std::string to, double len, double d_mm,
                      double c) {
    PipeDefinition p;
    p.id = std::move(id);
    p.from = std::move(from);
    p.to = std::move(to);
    p.length_m = len;
    p.inner_diameter_m = d_mm * 1e-3;
    p.hazen_williams_c = c;
    def.pipes.push_back(std::move(p));
  };
  add_pipe("P0", "RES", "J" + std::to_string(centre + 1), 10.0, res_d, 130.0);
  for (std::size_t k = 0; k < pipes.size(); ++k)
    add_pipe("P" + std::to_string(k + 1), "J" + std::to_string(pipes[k].a + 1),
             "J" + std::to_string(pipes[k].b + 1), pipes[k].len, pipes[k].d_mm, pipes[k].c);

  if (with_inp) {
    std::string& s = g.inp;
    s.reserve(static_cast<std::size_t>(g.links) * 48 + static_cast<std::size_t>(n) * 32);
    s += "[TITLE]\n" + def.name + " (synthetic grid, heatnet benchmarks)\n\n[JUNCTIONS]\n";
    s += ";ID\tElev\tDemand\n";
    for (int v = 0; v < n; ++v)
      s += "J" + std::to_string(v + 1) + "\t" + fmt(elev[v], 2) + "\t" + fmt(demand[v], 3) + "\n";
    s += "\n[RESERVOIRS]\n;ID\tHead\nRES\t" + fmt(kHeadRes, 2) + "\n\n[PIPES]\n";
    s += ";ID\tNode1\tNode2\tLength\tDiameter\tRoughness\tMinorLoss\tStatus\n";
    s += "P0\tRES\tJ" + std::to_string(centre + 1) + "\t10\t" + fmt(res_d, 0) + "\t130\t0\tOpen\n";
    for (std::size_t k = 0; k < pipes.size(); ++k)
      s += "P" + std::to_string(k + 1) + "\tJ" + std::to_string(pipes[k].a + 1) + "\tJ" +
           std::to_string(pipes[k].b + 1) + "\t" + fmt(pipes[k].len, 0) + "\t" +
           fmt(pipes[k].d_mm, 0) + "\t" + fmt(pipes[k].c, 0) + "\t0\tOpen\n";
    s += "\n[TIMES]\nDuration\t0\n\n[OPTIONS]\nUnits\tLPS\nHeadloss\tH-W\nTrials\t200\n"
         "Accuracy\t0.001\n\n[REPORT]\nStatus\tNo\nSummary\tNo\nPage\t0\n\n[END]\n";
  }
  return g;
}

}  // namespace heatnet::bench
