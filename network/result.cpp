// Result: contiguous [time, element] datasets, appended step by step.
#include "heatnet/result.hpp"

#include <algorithm>

#include "heatnet/errors.hpp"
#include "heatnet/network.hpp"
#include "network/compiled.hpp"

namespace heatnet {

std::vector<double>& Solution::field(ElementGroup g, std::string_view name) {
  const int f = result_field_index(g, name);
  if (f < 0 || f >= static_cast<int>(values.size()))
    throw Error(ErrorCode::unknown_reference, "result field", std::string(name), "", "",
                "no such result field");
  return values[f];
}
const std::vector<double>& Solution::field(ElementGroup g, std::string_view name) const {
  return const_cast<Solution*>(this)->field(g, name);
}

Result::Result(const Network& net) : network_name(net.name()) {
  ids_[static_cast<int>(ElementGroup::nodes)] = net.nodes().id;
  ids_[static_cast<int>(ElementGroup::pipes)] = net.pipes().id;
  ids_[static_cast<int>(ElementGroup::consumers)] = net.consumers().id;
  ids_[static_cast<int>(ElementGroup::sources)] = net.sources().id;
  ids_[static_cast<int>(ElementGroup::pumps)] = net.pumps().id;
  ids_[static_cast<int>(ElementGroup::valves)] = net.valves().id;
  auto& pressure_node_ids = ids_[static_cast<int>(ElementGroup::pressure_nodes)];
  for (int node : net.pressure_nodes().node) pressure_node_ids.push_back(net.nodes().id[node]);
  datasets_.reserve(kResultFieldCount);
  for (const auto& f : kResultFields) {
    Dataset d;
    d.path = std::string(to_string(f.group)) + "/" + std::string(f.name);
    d.unit = std::string(f.unit);
    d.count = ids_[static_cast<int>(f.group)].size();
    datasets_.push_back(std::move(d));
  }
}

void Result::append(double time_s, Solution s, const SolveReport& report) {
  const int step = static_cast<int>(time_.size());
  for (int f = 0; f < kResultFieldCount; ++f) {
    Dataset& d = datasets_[f];
    auto& v = s.values.at(f);
    if (v.size() != d.count)
      throw Error(ErrorCode::invalid_value, "result", d.path, "count", std::to_string(v.size()),
                  "expected " + std::to_string(d.count) + " values");
    if (d.data.empty()) d.data = std::move(v);  // the first step (a steady solve): no copy
    else d.data.insert(d.data.end(), v.begin(), v.end());
    d.steps += 1;
  }
  for (auto& c : s.checks) {
    c.time_index = step;
    checks_.push_back(std::move(c));
  }
  time_.push_back(time_s);
  iterations_.push_back(s.iterations);
  summaries_.push_back(s.summary);
  report_ = report;
  all_converged_ = all_converged_ && report.usable();
  max_temperature_change_K_ = std::max(max_temperature_change_K_, s.max_temperature_change_K);
}

const Dataset& Result::dataset(std::string_view path) const {
  for (const auto& d : datasets_)
    if (d.path == path) return d;
  throw Error(ErrorCode::unknown_reference, "result dataset", std::string(path), "", "",
              "no such dataset (paths look like 'pipes/mass_flow')");
}

Result Result::from_stored(std::vector<double> time, std::vector<int> iterations,
                           std::vector<std::vector<std::string>> ids_per_group,
                           std::vector<Dataset> datasets, std::vector<CheckRecord> checks,
                           bool converged, bool complete) {
  Result r;
  r.time_ = std::move(time);
  r.iterations_ = std::move(iterations);
  for (int g = 0; g < kElementGroupCount && g < static_cast<int>(ids_per_group.size()); ++g)
    r.ids_[g] = std::move(ids_per_group[g]);
  r.datasets_ = std::move(datasets);
  r.checks_ = std::move(checks);
  r.all_converged_ = converged;
  r.complete_ = complete;
  return r;
}

}  // namespace heatnet
