// Network::build — validation of a NetworkDefinition and compilation into SI arrays, one
// element kind at a time (network/elements/). Every rule broken throws NetworkError naming the
// element kind, id, field and value.
#include <algorithm>
#include <numeric>
#include <string>
#include <string_view>
#include <unordered_set>

#include "heatnet/errors.hpp"
#include "heatnet/network.hpp"
#include "network/compiled.hpp"
#include "network/elements/elements.hpp"
#include "network/topology.hpp"

namespace heatnet {
namespace {

using detail::IdMap;


Settings compile_settings(const SettingsDefinition& sd) {
  detail::validate_settings(sd);
  Settings s{sd.fluid, sd.friction, sd.ambient_temperature_C, sd.temperature_C, sd.gravity_m_s2,
             sd.tolerance_mass_flow_rel, sd.tolerance_temperature_K, sd.max_iterations};
  if (sd.closed_link_resistance_Pa_s_kg)
    s.closed_link_resistance_Pa_s_kg = *sd.closed_link_resistance_Pa_s_kg;
  return s;
}

std::string no_reference_reason(int part_nodes) {
  return "its connected part (" + std::to_string(part_nodes) +
         " node(s)) has no pressure reference (add a pressure node or give a source "
         "return_pressure_bar; a source without it floats and holds no pressure)";
}

// A node that no pipe, pump, valve, source or pressure node touches is a connected part of its
// own without a pressure reference. When there are more nodes than such touches, one exists and
// is found with a hash set of the few touched ids, before any per-node work: 10 M nodes without
// pipes are refused at once instead of after indexing and checking every node.
void refuse_untouched_node(const NetworkDefinition& def) {
  const std::size_t touches = 2 * (def.pipes.size() + def.pumps.size() + def.valves.size() +
                                   def.sources.size()) + def.pressure_nodes.size();
  if (def.nodes.size() <= touches) return;  // every node may be touched: the full check decides
  std::unordered_set<std::string_view> touched;
  touched.reserve(touches);
  auto touch = [&](const auto& elements) {
    for (const auto& e : elements) touched.insert(e.from), touched.insert(e.to);
  };
  touch(def.pipes);
  touch(def.pumps);
  touch(def.valves);
  for (const auto& d : def.sources) touched.insert(d.supply_node), touched.insert(d.return_node);
  for (const auto& d : def.pressure_nodes) touched.insert(d.node);
  for (const auto& d : def.nodes)
    if (!d.id.empty() && !touched.count(d.id))
      throw NetworkError(ErrorCode::no_pressure_reference, "node", d.id, "", "", no_reference_reason(1));
}

// Links in the order pipes, pumps, valves, sources, consumers, and the node incidence.
std::shared_ptr<Topology> link_topology(int node_count, const PipeData& pd, const PumpData& bp,
                                        const ValveData& vd, const SourceData& sc,
                                        const ConsumerData& cd) {
  auto topo = std::make_shared<Topology>();
  topo->node_count = node_count;
  const std::size_t links = pd.from.size() + bp.from.size() + vd.from.size() +
                            sc.return_node.size() + cd.supply_node.size();
  topo->link_from.reserve(links);
  topo->link_to.reserve(links);
  topo->link_kind.reserve(links);
  topo->link_element.reserve(links);
  // one kind's links as whole arrays (a copy each), not element by element
  auto add_links = [&](LinkKind kind, const std::vector<int>& from, const std::vector<int>& to) {
    topo->link_from.insert(topo->link_from.end(), from.begin(), from.end());
    topo->link_to.insert(topo->link_to.end(), to.begin(), to.end());
    topo->link_kind.insert(topo->link_kind.end(), from.size(), kind);
    const std::size_t first = topo->link_element.size();
    topo->link_element.resize(first + from.size());
    std::iota(topo->link_element.begin() + static_cast<std::ptrdiff_t>(first),
              topo->link_element.end(), 0);
  };
  topo->pipe_offset = 0;
  add_links(LinkKind::pipe, pd.from, pd.to);
  topo->pump_offset = topo->link_count();
  add_links(LinkKind::pump, bp.from, bp.to);
  topo->valve_offset = topo->link_count();
  add_links(LinkKind::valve, vd.from, vd.to);
  topo->source_offset = topo->link_count();
  add_links(LinkKind::source, sc.return_node, sc.supply_node);
  topo->consumer_offset = topo->link_count();
  add_links(LinkKind::consumer, cd.supply_node, cd.return_node);
  detail::build_incidence(*topo);
  return topo;
}

// Every hydraulically connected part needs a pressure reference; returns the number of parts.
int require_pressure_references(const NodeData& nd, const PipeData& pd, const PumpData& bp,
                                const ValveData& vd, const SourceData& sc,
                                const detail::PressureHolders& holders) {
  const std::size_t n = nd.id.size();
  detail::DisjointSets parts(static_cast<int>(n));
  for (std::size_t i = 0; i < pd.from.size(); ++i) parts.unite(pd.from[i], pd.to[i]);
  for (std::size_t i = 0; i < bp.from.size(); ++i) parts.unite(bp.from[i], bp.to[i]);
  for (std::size_t i = 0; i < vd.from.size(); ++i)
    if (vd.type[i] != ValveType::closed) parts.unite(vd.from[i], vd.to[i]);
  for (std::size_t i = 0; i < sc.id.size(); ++i)
    if (sc.pump_type[i] != SourcePumpType::fixed_flow) parts.unite(sc.return_node[i], sc.supply_node[i]);
  std::vector<char> has_reference(n, 0);
  for (std::size_t i = 0; i < n; ++i)
    if (holders.held(static_cast<int>(i))) has_reference[parts.find(static_cast<int>(i))] = 1;
  // the first node (in node order) of a part without a reference is the one named
  std::vector<char> seen(n, 0);
  int components = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const int root = parts.find(static_cast<int>(i));
    if (!has_reference[root])
      throw NetworkError(ErrorCode::no_pressure_reference, "node", nd.id[i], "", "",
                         no_reference_reason(parts.size_of(root)));
    if (!seen[root]) {
      seen[root] = 1;
      ++components;
    }
  }
  return components;
}

}  // namespace

Network Network::build(const NetworkDefinition& def) {
  Network net;
  detail::NetworkImpl& c = *net.impl_;
  c.settings = compile_settings(def.settings);
  refuse_untouched_node(def);
  c.name = def.name;
  const detail::RuleContext rules{def.settings.fluid, def.settings.friction};

  auto node_ids = detail::index_ids(def.nodes, "node");
  std::vector<detail::LinkEnds> pipe_ends, consumer_ends;
  detail::index_link_ids(def.pipes, "pipe", *node_ids, detail::pipe_node_references, pipe_ends);
  detail::index_ids(def.sources, "source");
  auto consumer_ids = detail::index_link_ids(def.consumers, "consumer", *node_ids,
                                             detail::consumer_node_references, consumer_ends);
  detail::index_ids(def.pumps, "pump");
  detail::index_ids(def.valves, "valve");
  if (def.nodes.empty())
    throw NetworkError(ErrorCode::missing_field, "network", def.name, "nodes", "",
                       "the network has no nodes");

  detail::compile_nodes(def.nodes, rules, c.nodes);
  detail::compile_pipes(def.pipes, def.settings, *node_ids, pipe_ends, c.pipes,
                        c.pipe_has_own_ambient);
  detail::PressureHolders holders(c.nodes.id);
  detail::compile_pressure_nodes(def.pressure_nodes, rules, *node_ids, holders, c.pressure_nodes);
  // consumers before sources: a dp_control pump refers to one
  detail::compile_consumers(def.consumers, rules, *node_ids, consumer_ends, c.consumers);
  detail::compile_sources(def.sources, rules, *node_ids, *consumer_ids, holders, c.sources);
  detail::compile_pumps(def.pumps, rules, *node_ids, c.pumps);
  detail::compile_valves(def.valves, rules, *node_ids, c.valves);

  c.topology = link_topology(static_cast<int>(c.nodes.id.size()), c.pipes, c.pumps, c.valves,
                             c.sources, c.consumers);
  c.component_count =
      require_pressure_references(c.nodes, c.pipes, c.pumps, c.valves, c.sources, holders);
  // id lookups are sorted on first use (detail::IdOrder)
  c.node_lookup = std::make_shared<detail::IdOrder>();
  c.pipe_lookup = std::make_shared<detail::IdOrder>();
  c.consumer_lookup = std::make_shared<detail::IdOrder>();
  c.source_lookup = std::make_shared<detail::IdOrder>();
  c.pump_lookup = std::make_shared<detail::IdOrder>();
  c.valve_lookup = std::make_shared<detail::IdOrder>();
  return net;
}

}  // namespace heatnet
