// HDF5 results reader: reads a `heatnet-results/1` file written by results_writer.cpp back
// into a Result. Strict about structure (format attribute, every group and field, shapes
// [T, N] agreeing with /time and the ids; only what was added to the format later may be
// absent, see added_later) so a foreign or truncated file is refused with a message naming
// the object, never read into a wrong Result.
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "heatnet/version.hpp"
#include "io/hdf5_handles.hpp"

namespace heatnet::io {
namespace fs = std::filesystem;

namespace {

[[noreturn]] void malformed(const fs::path& path, const std::string& object, std::string reason) {
  throw InputError(ErrorCode::parse_error, "results file", path.string(), object, "",
                   std::move(reason));
}

std::string shape_text(const std::vector<hsize_t>& dims) {
  std::string s = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

// Groups and datasets added to heatnet-results/1 after files were written without them (the
// boundary flows of several plants). Such a file reads as if its network had no pressure
// nodes, and a missing dataset as NaN ("not computed"), with the registry's unit; any other
// missing group or dataset is a malformed file.
bool added_later(std::string_view group, std::string_view dataset = {}) {
  if (group == "pressure_nodes") return true;
  return group == "sources" && dataset == "makeup_mass_flow";
}

void require_dims(const fs::path& path, const std::string& object,
                  const std::vector<hsize_t>& dims, const std::vector<hsize_t>& expected) {
  if (dims != expected)
    malformed(path, object,
              "shape " + shape_text(dims) + ", expected " + shape_text(expected));
}

std::vector<CheckRecord> read_checks(const fs::path& path, hid_t root) {
  h5::Dataset d = h5::open_dataset(root, "checks");
  const auto dims = h5::dataset_dims(d.id());
  if (dims.size() != 1) malformed(path, "/checks", "expected a 1-D compound table");
  std::vector<h5::CheckRow> rows(dims[0]);
  if (rows.empty()) return {};
  // HDF5 matches compound members by name, so this also checks that every column exists.
  h5::Type mem = h5::check_row_type(false);
  h5::read_all(d.id(), mem.id(), rows.data(), rows.size());
  std::vector<CheckRecord> out;
  out.reserve(rows.size());
  auto str = [](const char* s) { return std::string(s ? s : ""); };
  for (const auto& r : rows)
    out.push_back({r.time_index, str(r.element_kind), str(r.element_id), str(r.check), r.value,
                   r.limit});
  h5::reclaim(mem.id(), d.id(), rows.data());
  return out;
}

}  // namespace

Result read_results(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    throw IoError(ErrorCode::io_error, "results file", path.string(), "", "",
                  fs::exists(path, ec) ? "not a regular file" : "no such file");
  h5::Session session(path.string());
  if (H5Fis_hdf5(path.c_str()) <= 0) malformed(path, "", "not an HDF5 file");
  h5::File file = h5::open_file_read(path.string());
  h5::Group root = h5::open_group(file.id(), "/");

  if (!h5::has_attribute(root.id(), "format"))
    malformed(path, "/ @format",
              "attribute missing: not a heatnet results file (expected format '" +
                  std::string(kResultsFormat) + "')");
  const std::string format = h5::read_string_attribute(root.id(), "format");
  if (format != kResultsFormat)
    throw InputError(ErrorCode::parse_error, "results file", path.string(), "format", format,
                     "unsupported results format; expected '" + std::string(kResultsFormat) +
                         "'");

  // time and per-step iterations
  h5::Dataset time_ds = h5::open_dataset(root.id(), "time");
  const auto time_dims = h5::dataset_dims(time_ds.id());
  if (time_dims.size() != 1) malformed(path, "/time", "expected a 1-D dataset");
  const hsize_t steps = time_dims[0];
  std::vector<double> time(steps);
  h5::read_all(time_ds.id(), H5T_NATIVE_DOUBLE, time.data(), time.size());

  h5::Group solver = h5::open_group(root.id(), "solver");
  h5::Dataset it_ds = h5::open_dataset(solver.id(), "iterations");
  require_dims(path, "/solver/iterations", h5::dataset_dims(it_ds.id()), {steps});
  std::vector<int> iterations(steps);
  h5::read_all(it_ds.id(), H5T_NATIVE_INT, iterations.data(), iterations.size());

  // ids and [T, N] datasets, in kResultFields order (what Result expects)
  std::vector<std::vector<std::string>> ids(kElementGroupCount);
  std::vector<h5::Group> groups;
  for (int g = 0; g < kElementGroupCount; ++g) {
    const auto name = to_string(static_cast<ElementGroup>(g));
    if (!h5::exists(root.id(), name)) {
      if (!added_later(name)) malformed(path, "/" + std::string(name), "group missing");
      groups.emplace_back();  // empty: no elements
      continue;
    }
    groups.push_back(h5::open_group(root.id(), name));
    h5::Dataset id_ds = h5::open_dataset(groups.back().id(), "id");
    ids[g] = h5::read_strings(id_ds.id());
  }
  std::vector<Dataset> datasets;
  datasets.reserve(kResultFields.size());
  for (const auto& f : kResultFields) {
    const int g = static_cast<int>(f.group);
    Dataset d;
    d.path = std::string(to_string(f.group)) + "/" + std::string(f.name);
    d.steps = steps;
    d.count = ids[g].size();
    if (added_later(to_string(f.group), f.name) &&
        (!groups[g] || !h5::exists(groups[g].id(), f.name))) {
      d.unit = std::string(f.unit);
      d.data.assign(d.steps * d.count, std::numeric_limits<double>::quiet_NaN());
      datasets.push_back(std::move(d));
      continue;
    }
    h5::Dataset ds = h5::open_dataset(groups[g].id(), f.name);
    require_dims(path, "/" + d.path, h5::dataset_dims(ds.id()), {d.steps, d.count});
    d.unit = h5::read_string_attribute(ds.id(), "units");
    d.data.resize(d.steps * d.count);
    h5::read_all(ds.id(), H5T_NATIVE_DOUBLE, d.data.data(), d.data.size());
    datasets.push_back(std::move(d));
  }

  std::vector<CheckRecord> checks = read_checks(path, root.id());

  const bool converged = h5::read_int_attribute(solver.id(), "converged") != 0;
  // `complete` is heatnet's own addition; a file without it was not interrupted.
  const bool complete =
      !h5::has_attribute(root.id(), "complete") || h5::read_int_attribute(root.id(), "complete");
  Result r = Result::from_stored(std::move(time), std::move(iterations), std::move(ids),
                                 std::move(datasets), std::move(checks), converged, complete);
  r.network_name = h5::read_string_attribute(root.id(), "network_name");
  r.input_sha256 = h5::read_string_attribute(root.id(), "input_sha256");
  r.wall_time_s = h5::read_double_attribute(solver.id(), "wall_time_s");
  return r;
}

}  // namespace heatnet::io
