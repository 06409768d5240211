// HDF5 results writer, format `heatnet-results/1` (docs/results-format.md).
//
// Streaming: every [time, element] dataset is chunked and extendable along time. Rows are
// collected up to one chunk of steps per dataset and written as whole chunks, so memory stays
// bounded by one chunk per dataset and HDF5 never reads back or re-compresses a partly
// written chunk. Atomic: the file lives under a hidden temporary name in the target folder
// until commit() renames it onto the target; an uncommitted writer deletes it.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "heatnet/version.hpp"
#include "io/hdf5_handles.hpp"
#include "io/temp_files.hpp"

namespace heatnet::io {
namespace fs = std::filesystem;

namespace {

// Units of the datasets that are not result fields (result fields take theirs from
// kResultFields only).
constexpr const char* kTimeUnit = "s";
constexpr const char* kCountUnit = "-";  // ids and iteration counts: dimensionless
constexpr const char* kChecksUnits =
    "value and limit in SI: Pa for pressures/margins, m/s for velocity";

// Cap on one chunk (HDF5's own advice is chunks of about 1 MiB; a few MiB keep huge networks
// from allocating hundreds of MiB of row buffers). Wide datasets get fewer steps per chunk.
constexpr std::size_t kMaxChunkBytes = std::size_t{4} << 20;
constexpr std::size_t kCheckChunkRows = 1024;

[[noreturn]] void io_fail(const fs::path& target, std::string reason) {
  throw IoError(ErrorCode::io_error, "results file", target.string(), "", "", std::move(reason));
}

void validate(const ResultsFileOptions& o) {
  if (o.gzip_level < 0 || o.gzip_level > 9)
    throw Error(ErrorCode::invalid_value, "results options", "", "gzip_level",
                std::to_string(o.gzip_level), "must be 0 (off) .. 9");
  if (o.chunk_steps < 1)
    throw Error(ErrorCode::invalid_value, "results options", "", "chunk_steps",
                std::to_string(o.chunk_steps), "must be >= 1");
}

std::string utc_now_iso8601() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Flushes the closed file's data to disk before the rename, so a power cut cannot leave an
// empty file under the target name.
void fsync_file(const fs::path& p, const fs::path& target) {
  const int fd = ::open(p.c_str(), O_RDONLY);
  if (fd < 0) io_fail(target, "cannot reopen the temporary file to sync it");
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) io_fail(target, "cannot sync the temporary file to disk");
}

// Removes the temporary file unless released (the file was renamed onto the target).
struct TempFile {
  fs::path path;
  bool owned = false;
  ~TempFile() {
    std::error_code ec;
    if (owned) fs::remove(path, ec);
  }
};

// One chunk's worth of pending rows for an appendable dataset.
template <class T>
struct BufferedRows {
  h5::AppendableDataset dataset;
  hid_t mem_type = H5I_INVALID_HID;
  std::size_t width = 1;        // values per row
  std::size_t chunk_rows = 1;
  std::vector<T> pending;       // row-major
  std::size_t pending_rows = 0;

  void push(const T* row) {
    pending.insert(pending.end(), row, row + width);
    if (++pending_rows == chunk_rows) flush();
  }
  void flush() {
    dataset.append(mem_type, pending.data(), pending_rows);
    pending.clear();
    pending_rows = 0;
  }
};

std::size_t chunk_rows_for(std::size_t width, std::size_t chunk_steps) {
  const std::size_t row_bytes = sizeof(double) * std::max<std::size_t>(width, 1);
  return std::clamp<std::size_t>(kMaxChunkBytes / row_bytes, 1, chunk_steps);
}

}  // namespace

struct ResultsWriter::Impl {
  fs::path target;
  ResultsFileOptions options;
  std::string network_name, input_sha256;  // from the layout; commit's metadata may override

  // Declaration order is destruction order in reverse: datasets close before the file, the
  // file closes before its temporary name is removed.
  std::optional<KnownSize> known_size;  // datasets created at their final size
  TempFile temp;
  h5::File file;
  h5::Group root, solver;
  BufferedRows<double> time;
  BufferedRows<std::int32_t> iterations;
  std::vector<BufferedRows<double>> fields;  // kResultFields order
  h5::Type check_mem_type;
  h5::AppendableDataset checks;
  std::vector<CheckRecord> pending_checks;

  // /solver summary over the appended steps
  std::size_t steps = 0;
  std::int64_t total_iterations = 0;
  bool converged = true;
  double max_mass_imbalance_kg_s = 0;
  double max_temperature_change_K = 0;

  bool committed = false;
  bool failed = false;  // an HDF5 error mid-way: the datasets may disagree, never commit

  Impl(const fs::path& path, const Result& layout, ResultsFileOptions opts,
       std::optional<KnownSize> size);
  ~Impl();
  void create_layout(const Result& layout);
  // A [time] or [time, width] dataset, extendable or at its known size.
  h5::AppendableDataset create_series(hid_t parent, std::string_view name, hid_t file_type,
                                      std::size_t width, bool matrix, std::size_t chunk_rows) const;
  void flush_checks();
  void flush_all();
  void close_all();
};

ResultsWriter::Impl::Impl(const fs::path& path, const Result& layout, ResultsFileOptions opts,
                          std::optional<KnownSize> size)
    : target(path), options(opts), network_name(layout.network_name),
      input_sha256(layout.input_sha256), known_size(size) {
  validate(options);
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    io_fail(target, "directory '" + dir.string() + "' does not exist");
  if (fs::is_directory(target, ec)) io_fail(target, "is a directory");
  if (options.gzip_level > 0 && H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0)
    io_fail(target, "this HDF5 library has no gzip (deflate) filter");

  h5::Session session(target.string());
  temp.path = detail::hidden_temp_path(target, "tmp");
  file = h5::create_file(temp.path.string());
  temp.owned = true;
  create_layout(layout);
}

ResultsWriter::Impl::~Impl() {
  h5::Session session(target.string());
  close_all();  // quietly; `temp` then removes the file unless it was renamed
}

h5::AppendableDataset ResultsWriter::Impl::create_series(hid_t parent, std::string_view name,
                                                         hid_t file_type, std::size_t width,
                                                         bool matrix, std::size_t chunk_rows) const {
  if (known_size && options.gzip_level == 0)  // gzip needs chunks
    return h5::AppendableDataset::create_fixed(parent, name, file_type, width, matrix,
                                               known_size->steps);
  return h5::AppendableDataset::create(parent, name, file_type, width, matrix, chunk_rows,
                                       options.gzip_level);
}

void ResultsWriter::Impl::create_layout(const Result& layout) {
  const h5::NewAttributes attrs;
  root = h5::open_group(file.id(), "/");
  attrs.add(root.id(), "format", kResultsFormat);
  attrs.add(root.id(), "heatnet_version", kVersion);
  attrs.add(root.id(), "created_utc", utc_now_iso8601());
  attrs.add(root.id(), "network_name", network_name);
  attrs.add(root.id(), "input_sha256", input_sha256);
  // `complete` is our addition to the spec: 0 marks an interrupted time series (the steps
  // written are valid, the rest are missing). 0 until commit() says otherwise.
  attrs.add(root.id(), "complete", std::int32_t{0});

  const hsize_t step_chunk = options.chunk_steps;
  time.dataset = create_series(root.id(), "time", H5T_IEEE_F64LE, 0, false, step_chunk);
  time.mem_type = H5T_NATIVE_DOUBLE;
  time.chunk_rows = options.chunk_steps;
  attrs.add(time.dataset.id(), "units", kTimeUnit);
  attrs.add(time.dataset.id(), "description", "seconds from the start of the run");

  solver = h5::create_group(root.id(), "solver");
  iterations.dataset = create_series(solver.id(), "iterations", H5T_STD_I32LE, 0, false,
                                     step_chunk);
  iterations.mem_type = H5T_NATIVE_INT32;
  iterations.chunk_rows = options.chunk_steps;
  attrs.add(iterations.dataset.id(), "units", kCountUnit);
  attrs.add(iterations.dataset.id(), "description", "Newton iterations per time step");

  // Every group is written, even with no elements ([T, 0] datasets), so readers need no
  // special cases.
  std::vector<h5::Group> groups;
  for (int g = 0; g < kElementGroupCount; ++g) {
    const auto group = static_cast<ElementGroup>(g);
    groups.push_back(h5::create_group(root.id(), to_string(group)));
    h5::Dataset ids = h5::write_vector(groups.back().id(), "id", layout.ids(group));
    attrs.add(ids.id(), "units", kCountUnit);
    attrs.add(ids.id(), "description", "element ids, the column order of this group");
  }
  fields.reserve(kResultFields.size());
  for (const auto& f : kResultFields) {
    const std::size_t width = layout.ids(f.group).size();
    BufferedRows<double> rows;
    rows.width = width;
    rows.chunk_rows = chunk_rows_for(width, options.chunk_steps);
    rows.mem_type = H5T_NATIVE_DOUBLE;
    rows.dataset = create_series(groups[static_cast<int>(f.group)].id(), f.name, H5T_IEEE_F64LE,
                                 width, true, rows.chunk_rows);
    if (!known_size) rows.pending.reserve(rows.chunk_rows * width);
    attrs.add(rows.dataset.id(), "units", f.unit);
    attrs.add(rows.dataset.id(), "description", f.description);
    fields.push_back(std::move(rows));
  }

  check_mem_type = h5::check_row_type(false);
  h5::Type check_file_type = h5::check_row_type(true);
  checks = known_size && options.gzip_level == 0
               ? h5::AppendableDataset::create_fixed(root.id(), "checks", check_file_type.id(), 0,
                                                     false, known_size->checks)
               : h5::AppendableDataset::create(root.id(), "checks", check_file_type.id(), 0, false,
                                               kCheckChunkRows, options.gzip_level);
  attrs.add(checks.id(), "units", kChecksUnits);
  attrs.add(checks.id(), "description",
            "failed design checks: time_index, element_kind, element_id, check, "
            "value, limit");
}

void ResultsWriter::Impl::flush_checks() {
  std::vector<h5::CheckRow> rows;
  rows.reserve(pending_checks.size());
  for (const auto& c : pending_checks)
    rows.push_back({c.time_index, c.element_kind.c_str(), c.element_id.c_str(), c.check.c_str(),
                    c.value, c.limit});
  checks.append(check_mem_type.id(), rows.data(), rows.size());
  pending_checks.clear();
}

void ResultsWriter::Impl::flush_all() {
  time.flush();
  iterations.flush();
  for (auto& f : fields) f.flush();
  flush_checks();
}

void ResultsWriter::Impl::close_all() {
  time.dataset = {};
  iterations.dataset = {};
  fields.clear();
  checks = {};
  check_mem_type.reset();
  solver.reset();
  root.reset();
  file.reset();
}

ResultsWriter::ResultsWriter(const fs::path& path, const Result& layout,
                             ResultsFileOptions options)
    : impl_(std::make_unique<Impl>(path, layout, options, std::nullopt)) {}

ResultsWriter::ResultsWriter(const fs::path& path, const Result& layout,
                             ResultsFileOptions options, KnownSize size)
    : impl_(std::make_unique<Impl>(path, layout, options, size)) {}

ResultsWriter::~ResultsWriter() = default;

void ResultsWriter::append(double time_s, const Solution& step, const SolveReport& report) {
  Impl& w = *impl_;
  if (w.committed || w.failed)
    io_fail(w.target, w.committed ? "append() after commit()" : "append() after a failed write");
  // Validate the whole step first: a step is written completely or not at all.
  if (step.values.size() != w.fields.size())
    throw Error(ErrorCode::invalid_value, "result", "", "values",
                std::to_string(step.values.size()),
                "expected " + std::to_string(w.fields.size()) + " fields (kResultFields)");
  for (std::size_t f = 0; f < w.fields.size(); ++f)
    if (step.values[f].size() != w.fields[f].width)
      throw Error(ErrorCode::invalid_value, "result",
                  std::string(to_string(kResultFields[f].group)) + "/" +
                      std::string(kResultFields[f].name),
                  "count", std::to_string(step.values[f].size()),
                  "expected " + std::to_string(w.fields[f].width) + " values");

  h5::Session session(w.target.string());
  try {
    w.time.push(&time_s);
    const std::int32_t it = step.iterations;
    w.iterations.push(&it);
    for (std::size_t f = 0; f < w.fields.size(); ++f) w.fields[f].push(step.values[f].data());
    for (const auto& c : step.checks) {
      w.pending_checks.push_back(c);
      w.pending_checks.back().time_index = static_cast<int>(w.steps);
    }
    if (w.pending_checks.size() >= kCheckChunkRows) w.flush_checks();
  } catch (...) {
    w.failed = true;
    throw;
  }
  w.steps += 1;
  w.total_iterations += step.iterations;
  w.converged = w.converged && report.usable();
  w.max_mass_imbalance_kg_s = std::max({w.max_mass_imbalance_kg_s,
                                        step.summary.max_mass_imbalance_kg_s,
                                        report.max_mass_imbalance_kg_s});
  w.max_temperature_change_K = std::max(w.max_temperature_change_K,
                                        step.max_temperature_change_K);
}

void ResultsWriter::commit(const Result& metadata, bool complete) {
  Impl& w = *impl_;
  if (w.committed || w.failed)
    io_fail(w.target, w.committed ? "commit() called twice" : "commit() after a failed write");
  h5::Session session(w.target.string());
  try {
    w.flush_all();
    // The solver figures combine what append() saw with what the metadata Result knows
    // (write_results passes steps without their individual reports).
    double max_imbalance = w.max_mass_imbalance_kg_s;
    for (const auto& s : metadata.summaries())
      max_imbalance = std::max(max_imbalance, s.max_mass_imbalance_kg_s);
    h5::write_attribute(w.solver.id(), "converged",
                        std::int32_t{w.converged && metadata.converged()});
    h5::write_attribute(w.solver.id(), "iterations",
                        static_cast<std::int32_t>(w.total_iterations));
    h5::write_attribute(w.solver.id(), "max_mass_imbalance_kg_s", max_imbalance);
    h5::write_attribute(w.solver.id(), "max_temperature_change_K",
                        std::max(w.max_temperature_change_K,
                                 metadata.max_temperature_change_K()));
    h5::write_attribute(w.solver.id(), "wall_time_s", metadata.wall_time_s);
    // create_layout() wrote the layout's name and hash; replaced only when the metadata differ
    if (!metadata.network_name.empty() && metadata.network_name != w.network_name)
      h5::write_attribute(w.root.id(), "network_name", metadata.network_name);
    if (!metadata.input_sha256.empty() && metadata.input_sha256 != w.input_sha256)
      h5::write_attribute(w.root.id(), "input_sha256", metadata.input_sha256);
    h5::write_attribute(w.root.id(), "complete", std::int32_t{complete});

    // Close explicitly and check: closing the file flushes it, and that can fail.
    w.time.dataset.close();
    w.iterations.dataset.close();
    for (auto& f : w.fields) f.dataset.close();
    w.checks.close();
    w.check_mem_type.reset();
    w.solver.close("/solver");
    w.root.close("/");
    w.file.close("/");
    if (w.options.sync_to_disk) fsync_file(w.temp.path, w.target);
    std::error_code ec;
    detail::replace_file(w.temp.path, w.target, ec);
    if (ec) io_fail(w.target, "cannot rename the temporary file onto it: " + ec.message());
  } catch (...) {
    w.failed = true;
    throw;
  }
  w.temp.owned = false;
  w.committed = true;
}

void ResultsWriter::append_whole(const Result& result,
                                 const std::vector<std::vector<const CheckRecord*>>& checks_by_step) {
  Impl& w = *impl_;
  const std::size_t steps = result.steps();
  const auto& datasets = result.datasets();
  if (datasets.size() != w.fields.size())
    throw Error(ErrorCode::invalid_value, "result", "", "values", std::to_string(datasets.size()),
                "expected " + std::to_string(w.fields.size()) + " fields (kResultFields)");
  for (std::size_t f = 0; f < datasets.size(); ++f)
    if (datasets[f].count != w.fields[f].width || datasets[f].data.size() != steps * datasets[f].count)
      throw Error(ErrorCode::invalid_value, "result",
                  std::string(to_string(kResultFields[f].group)) + "/" +
                      std::string(kResultFields[f].name),
                  "count", std::to_string(datasets[f].count),
                  "expected " + std::to_string(w.fields[f].width) + " values per step");
  std::vector<double> time(steps);
  std::vector<std::int32_t> iterations(steps, 0);
  for (std::size_t t = 0; t < steps; ++t) {
    time[t] = result.time()[t];
    if (t < result.iterations().size()) iterations[t] = result.iterations()[t];
  }
  h5::Session session(w.target.string());
  try {
    w.time.dataset.append(w.time.mem_type, time.data(), steps);
    w.iterations.dataset.append(w.iterations.mem_type, iterations.data(), steps);
    for (std::size_t f = 0; f < datasets.size(); ++f)
      w.fields[f].dataset.append(w.fields[f].mem_type, datasets[f].data.data(), steps);
    for (std::size_t t = 0; t < checks_by_step.size(); ++t)
      for (const CheckRecord* c : checks_by_step[t]) {
        w.pending_checks.push_back(*c);
        w.pending_checks.back().time_index = static_cast<int>(t);
        if (w.pending_checks.size() >= kCheckChunkRows) w.flush_checks();
      }
  } catch (...) {
    w.failed = true;
    throw;
  }
  // the solver figures as append() would have summed them (write_results keeps no per-step
  // reports: a default report each, whose mass imbalance commit() takes from the summaries)
  w.steps = steps;
  for (const std::int32_t it : iterations) w.total_iterations += it;
  w.converged = w.converged && SolveReport{}.usable();
}

void write_results(const Result& result, const fs::path& path, ResultsFileOptions options) {
  const std::size_t steps = result.steps();
  // Checks grouped by step (a stored Result may list them in any order).
  std::vector<std::vector<const CheckRecord*>> checks_by_step(steps);
  for (const auto& c : result.checks()) {
    if (c.time_index < 0 || static_cast<std::size_t>(c.time_index) >= steps)
      throw Error(ErrorCode::invalid_value, "check", c.element_id, "time_index",
                  std::to_string(c.time_index),
                  "outside the result's " + std::to_string(steps) + " steps");
    checks_by_step[c.time_index].push_back(&c);
  }

  // The step count is known here: no chunk taller than the series. An uncompressed chunk
  // takes its full size on disk, so a steady solve with 64-step chunks would be ~64x too big.
  // (chunk_steps 0 is left for the writer's validation to report.)
  if (options.chunk_steps > steps) options.chunk_steps = std::max<std::size_t>(steps, 1);
  ResultsWriter writer(path, result, options, {steps, result.checks().size()});
  if (options.gzip_level == 0) {  // datasets at their final size: written in one go each
    writer.append_whole(result, checks_by_step);
    writer.commit(result, result.complete());
    return;
  }
  const auto& datasets = result.datasets();
  Solution step;
  step.values.resize(datasets.size());
  const SolveReport per_step;  // per-step reports are not kept; commit() uses result.converged()
  for (std::size_t t = 0; t < steps; ++t) {
    for (std::size_t f = 0; f < datasets.size(); ++f) {
      const auto& d = datasets[f];
      const auto begin = d.data.begin() + static_cast<std::ptrdiff_t>(t * d.count);
      step.values[f].assign(begin, begin + static_cast<std::ptrdiff_t>(d.count));
    }
    step.checks.clear();
    for (const CheckRecord* c : checks_by_step[t]) step.checks.push_back(*c);
    step.summary = t < result.summaries().size() ? result.summaries()[t] : StepSummary{};
    step.iterations = t < result.iterations().size() ? result.iterations()[t] : 0;
    writer.append(result.time()[t], step, per_step);
  }
  writer.commit(result, result.complete());
}

void skip_hdf5_teardown_at_exit() { H5dont_atexit(); }

}  // namespace heatnet::io
