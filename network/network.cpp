// Network's accessors, copies and id lookups over its compiled form (network/compiled.hpp).
#include <algorithm>
#include <cmath>
#include <limits>

#include "heatnet/network.hpp"
#include "network/compiled.hpp"

namespace heatnet {

Network::Network() : impl_(std::make_unique<detail::NetworkImpl>()) {}
Network::Network(const Network& other)
    : impl_(std::make_unique<detail::NetworkImpl>(*other.impl_)) {}
Network& Network::operator=(const Network& other) {
  if (this != &other) impl_ = std::make_unique<detail::NetworkImpl>(*other.impl_);
  return *this;
}
Network::Network(Network&&) noexcept = default;
Network& Network::operator=(Network&&) noexcept = default;
Network::~Network() = default;

const std::string& Network::name() const { return impl_->name; }
const Settings& Network::settings() const { return impl_->settings; }
const Topology& Network::topology() const { return *impl_->topology; }
std::shared_ptr<const Topology> Network::shared_topology() const { return impl_->topology; }
bool Network::same_topology(const Network& other) const {
  return impl_->topology == other.impl_->topology;
}
const NodeData& Network::nodes() const { return impl_->nodes; }
const PipeData& Network::pipes() const { return impl_->pipes; }
const PressureNodeData& Network::pressure_nodes() const { return impl_->pressure_nodes; }
const SourceData& Network::sources() const { return impl_->sources; }
const ConsumerData& Network::consumers() const { return impl_->consumers; }
const PumpData& Network::pumps() const { return impl_->pumps; }
const ValveData& Network::valves() const { return impl_->valves; }

int Network::node_count() const { return static_cast<int>(impl_->nodes.id.size()); }
int Network::pipe_count() const { return static_cast<int>(impl_->pipes.id.size()); }
int Network::pressure_node_count() const {
  return static_cast<int>(impl_->pressure_nodes.node.size());
}
int Network::source_count() const { return static_cast<int>(impl_->sources.id.size()); }
int Network::consumer_count() const { return static_cast<int>(impl_->consumers.id.size()); }
int Network::pump_count() const { return static_cast<int>(impl_->pumps.id.size()); }
int Network::valve_count() const { return static_cast<int>(impl_->valves.id.size()); }
int Network::component_count() const { return impl_->component_count; }
const std::string& Network::consumer_id(int i) const { return impl_->consumers.id.at(i); }

double Network::source_shutoff_head_m(int i) const {
  const SourceData& s = impl_->sources;
  return s.pump_type.at(i) == SourcePumpType::curve ? s.pump_curve[i].shutoff_head_m
                                                    : std::numeric_limits<double>::quiet_NaN();
}

int detail::IdOrder::find(const std::vector<std::string>& ids, std::string_view id) const {
  std::call_once(sorted_, [&] {
    order_.resize(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) order_[i] = static_cast<int>(i);
    std::sort(order_.begin(), order_.end(), [&](int a, int b) { return ids[a] < ids[b]; });
  });
  auto it = std::lower_bound(order_.begin(), order_.end(), id,
                             [&](int i, std::string_view key) { return ids[i] < key; });
  return it != order_.end() && ids[*it] == id ? *it : -1;
}

namespace {
int find_in(const std::shared_ptr<const detail::IdOrder>& order,
            const std::vector<std::string>& ids, std::string_view id) {
  return order ? order->find(ids, id) : -1;
}
}  // namespace

int Network::node_index(std::string_view id) const {
  return find_in(impl_->node_lookup, impl_->nodes.id, id);
}
int Network::pipe_index(std::string_view id) const {
  return find_in(impl_->pipe_lookup, impl_->pipes.id, id);
}
int Network::consumer_index(std::string_view id) const {
  return find_in(impl_->consumer_lookup, impl_->consumers.id, id);
}
int Network::source_index(std::string_view id) const {
  return find_in(impl_->source_lookup, impl_->sources.id, id);
}
int Network::pump_index(std::string_view id) const {
  return find_in(impl_->pump_lookup, impl_->pumps.id, id);
}
int Network::valve_index(std::string_view id) const {
  return find_in(impl_->valve_lookup, impl_->valves.id, id);
}

}  // namespace heatnet
