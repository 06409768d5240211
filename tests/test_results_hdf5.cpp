// HDF5 results file (heatnet-results/1): round trip of every dataset, id, time step and check
// through write_results / ResultsWriter and read_results; gzip; atomic replacement (the target
// appears only on commit, an uncommitted writer leaves nothing behind, an existing file survives
// a failed write); error cases. Values are distinct per step, field and element, so a
// transposed or shifted dataset cannot compare equal by accident.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "heatnet/network.hpp"
#include "heatnet/result.hpp"
#include "io/hdf5_handles.hpp"
#include "tests/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace heatnet;

using heatnet::testing::TempDir;

namespace {

// Two nodes, one pipe, a pressure node: nodes [2], pipes [1], every other group empty.
Network tiny_network() {
  NetworkDefinition def;
  def.name = "tiny";
  def.nodes.resize(2);
  def.nodes[0].id = "N1";
  def.nodes[1].id = "N2";
  def.nodes[1].elevation_m = 3.0;
  PipeDefinition pipe;
  pipe.id = "P1";
  pipe.from = "N1";
  pipe.to = "N2";
  pipe.length_m = 100.0;
  pipe.inner_diameter_m = 0.1;
  pipe.roughness_mm = 0.1;
  def.pipes.push_back(pipe);
  PressureNodeDefinition reservoir;
  reservoir.node = "N1";
  reservoir.pressure_bar = 2.0;
  reservoir.temperature_C = 60.0;
  def.pressure_nodes.push_back(reservoir);
  return Network::build(def);
}

// Distinct value per (step, field, element).
double value_of(int step, int field, std::size_t element) {
  return 1000.0 * step + 10.0 * field + static_cast<double>(element) + 0.25;
}

Solution solution_for(const Result& layout, int step) {
  Solution s;
  for (int f = 0; f < kResultFieldCount; ++f) {
    const std::size_t n = layout.ids(kResultFields[f].group).size();
    std::vector<double> v(n);
    for (std::size_t e = 0; e < n; ++e) v[e] = value_of(step, f, e);
    s.values.push_back(std::move(v));
  }
  s.iterations = 3 + step;
  s.max_temperature_change_K = 0.01 * (step + 1);
  s.summary.max_mass_imbalance_kg_s = 1e-10 * (step + 1);
  if (step != 1)  // step 1 has no failed checks
    s.checks.push_back({0, "pipe", "P1", "max_velocity", 2.5 + step, 2.0});
  if (step == 2) s.checks.push_back({0, "node", "N2", "boiling_margin", -1.5e4, 0.0});
  return s;
}

Result three_step_result() {
  Network net = tiny_network();
  Result r(net);
  r.input_sha256 = std::string(64, 'a');
  r.wall_time_s = 0.125;
  SolveReport report;
  for (int t = 0; t < 3; ++t) r.append(3600.0 * t, solution_for(r, t), report);
  return r;
}

void require_same(const Result& a, const Result& b) {
  REQUIRE(a.steps() == b.steps());
  CHECK(a.time() == b.time());
  CHECK(a.iterations() == b.iterations());
  for (int g = 0; g < kElementGroupCount; ++g)
    CHECK(a.ids(static_cast<ElementGroup>(g)) == b.ids(static_cast<ElementGroup>(g)));
  REQUIRE(a.datasets().size() == b.datasets().size());
  for (std::size_t f = 0; f < a.datasets().size(); ++f) {
    const Dataset& x = a.datasets()[f];
    const Dataset& y = b.datasets()[f];
    INFO(x.path);
    CHECK(x.path == y.path);
    CHECK(x.unit == y.unit);
    CHECK(x.steps == y.steps);
    CHECK(x.count == y.count);
    CHECK(x.data == y.data);  // exact: doubles are stored as IEEE f64
  }
  REQUIRE(a.checks().size() == b.checks().size());
  for (std::size_t i = 0; i < a.checks().size(); ++i) {
    const CheckRecord& x = a.checks()[i];
    const CheckRecord& y = b.checks()[i];
    CHECK(x.time_index == y.time_index);
    CHECK(x.element_kind == y.element_kind);
    CHECK(x.element_id == y.element_id);
    CHECK(x.check == y.check);
    CHECK(x.value == y.value);
    CHECK(x.limit == y.limit);
  }
  CHECK(a.converged() == b.converged());
  CHECK(a.complete() == b.complete());
  CHECK(a.network_name == b.network_name);
  CHECK(a.input_sha256 == b.input_sha256);
  CHECK(a.wall_time_s == b.wall_time_s);
}

std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("results file round trip: every dataset, id, time and check", "[io][hdf5]") {
  TempDir dir;
  const Result written = three_step_result();
  REQUIRE(written.checks().size() == 3);
  const fs::path file = dir.path / "tiny.h5";
  io::write_results(written, file);
  const Result read = io::read_results(file);
  require_same(written, read);

  // empty groups come back as [T, 0] datasets with their units
  CHECK(read.ids(ElementGroup::consumers).empty());
  CHECK(read.dataset("valves/pressure_drop").steps == 3);
  CHECK(read.dataset("valves/pressure_drop").count == 0);
  CHECK(read.dataset("pipes/mass_flow").unit == "kg/s");
  CHECK(read.dataset("nodes/pressure").data[1 * 2 + 1] == value_of(1, 0, 1));

  // a read Result writes back to an identical Result
  const fs::path again = dir.path / "again.h5";
  io::write_results(read, again);
  require_same(read, io::read_results(again));
}

TEST_CASE("results file with gzip and small chunks reads back identically", "[io][hdf5]") {
  TempDir dir;
  const Result written = three_step_result();
  // chunk_steps 2 with 3 steps: one full chunk and one partial chunk
  io::write_results(written, dir.path / "gz.h5", {.gzip_level = 1, .chunk_steps = 2});
  require_same(written, io::read_results(dir.path / "gz.h5"));
  io::write_results(written, dir.path / "gz9.h5", {.gzip_level = 9, .chunk_steps = 1});
  require_same(written, io::read_results(dir.path / "gz9.h5"));
}

TEST_CASE("a steady result (one step) and an empty result round trip", "[io][hdf5]") {
  TempDir dir;
  Network net = tiny_network();
  Result steady(net);
  steady.append(0.0, solution_for(steady, 0), SolveReport{});
  io::write_results(steady, dir.path / "steady.h5");
  require_same(steady, io::read_results(dir.path / "steady.h5"));

  Result empty(net);  // no steps: datasets [0, N]
  io::write_results(empty, dir.path / "empty.h5");
  const Result back = io::read_results(dir.path / "empty.h5");
  CHECK(back.steps() == 0);
  CHECK(back.ids(ElementGroup::nodes) == std::vector<std::string>{"N1", "N2"});
}

TEST_CASE("non-converged steps are recorded in /solver converged", "[io][hdf5]") {
  TempDir dir;
  Network net = tiny_network();
  Result r(net);
  SolveReport bad;
  bad.status = SolveStatus::max_iterations;
  r.append(0.0, solution_for(r, 0), bad);
  r.append(1.0, solution_for(r, 1), SolveReport{});
  REQUIRE_FALSE(r.converged());
  io::write_results(r, dir.path / "r.h5");
  CHECK_FALSE(io::read_results(dir.path / "r.h5").converged());
}

TEST_CASE("streaming writer: many steps across chunks, target appears only on commit",
          "[io][hdf5]") {
  TempDir dir;
  Network net = tiny_network();
  const Result layout(net);
  const fs::path file = dir.path / "series.h5";
  Result expected(net);
  {
    io::ResultsWriter writer(file, layout, {.gzip_level = 1, .chunk_steps = 8});
    for (int t = 0; t < 21; ++t) {  // 2 full chunks + a partial one
      Solution s = solution_for(layout, t);
      writer.append(60.0 * t, s, SolveReport{});
      expected.append(60.0 * t, std::move(s), SolveReport{});
    }
    CHECK_FALSE(fs::exists(file));
    REQUIRE(dir.entries().size() == 1);  // the hidden temporary file only
    CHECK(dir.entries()[0].rfind(".series.h5.tmp-", 0) == 0);
    writer.commit(layout);
    CHECK(fs::exists(file));
    CHECK(dir.entries() == std::vector<std::string>{"series.h5"});
    CHECK_THROWS_AS(writer.commit(layout), IoError);  // twice
    CHECK_THROWS_AS(writer.append(0.0, solution_for(layout, 0), SolveReport{}), IoError);
  }
  CHECK(fs::exists(file));  // destroying a committed writer keeps the file
  const Result read = io::read_results(file);
  CHECK(read.steps() == 21);
  CHECK(read.checks().size() == expected.checks().size());
  expected.network_name = layout.network_name;
  require_same(expected, read);
}

TEST_CASE("an interrupted series is committed with complete = 0", "[io][hdf5]") {
  TempDir dir;
  Network net = tiny_network();
  const Result layout(net);
  io::ResultsWriter writer(dir.path / "cut.h5", layout);
  writer.append(0.0, solution_for(layout, 0), SolveReport{});
  writer.append(1.0, solution_for(layout, 1), SolveReport{});
  writer.commit(layout, /*complete=*/false);
  const Result read = io::read_results(dir.path / "cut.h5");
  CHECK_FALSE(read.complete());
  CHECK(read.steps() == 2);
  CHECK(read.checks().size() == 1);
}

TEST_CASE("an uncommitted writer leaves nothing and keeps an existing file", "[io][hdf5]") {
  TempDir dir;
  const fs::path file = dir.path / "keep.h5";
  const Result r = three_step_result();
  Network net = tiny_network();

  SECTION("no target before: nothing afterwards") {
    {
      io::ResultsWriter writer(file, r);
      writer.append(0.0, solution_for(r, 0), SolveReport{});
    }
    CHECK(dir.entries().empty());
  }
  SECTION("existing target unchanged by an abandoned write") {
    io::write_results(r, file);
    const std::string before = file_bytes(file);
    {
      io::ResultsWriter writer(file, r);
      writer.append(0.0, solution_for(r, 0), SolveReport{});
    }
    CHECK(dir.entries() == std::vector<std::string>{"keep.h5"});
    CHECK(file_bytes(file) == before);
  }
  SECTION("existing target unchanged by a write that fails mid-way") {
    io::write_results(r, file);
    const std::string before = file_bytes(file);
    Result wrong(net);
    Solution s = solution_for(wrong, 0);
    s.values[3].push_back(1.0);  // pipes/mass_flow gets 2 values for 1 pipe
    wrong.network_name = "wrong";
    {
      io::ResultsWriter writer(file, r);
      writer.append(0.0, solution_for(r, 0), SolveReport{});
      CHECK_THROWS_AS(writer.append(1.0, s, SolveReport{}), Error);
    }
    CHECK(dir.entries() == std::vector<std::string>{"keep.h5"});
    CHECK(file_bytes(file) == before);
  }
  SECTION("a successful write replaces the existing file") {
    io::write_results(r, file);
    Result other(net);
    other.network_name = "other";
    other.append(5.0, solution_for(other, 0), SolveReport{});
    io::write_results(other, file);
    CHECK(io::read_results(file).network_name == "other");
    CHECK(io::read_results(file).steps() == 1);
    CHECK(dir.entries() == std::vector<std::string>{"keep.h5"});
  }
}

TEST_CASE("a wrong-sized step is refused before anything is written", "[io][hdf5]") {
  TempDir dir;
  Network net = tiny_network();
  const Result layout(net);
  io::ResultsWriter writer(dir.path / "w.h5", layout);
  Solution s = solution_for(layout, 0);
  s.values[0].pop_back();  // nodes/pressure: 1 value for 2 nodes
  try {
    writer.append(0.0, s, SolveReport{});
    FAIL("expected an Error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::invalid_value);
    CHECK(std::string(e.what()).find("nodes/pressure") != std::string::npos);
  }
  // the writer is still consistent: the step was not half written
  writer.append(0.0, solution_for(layout, 0), SolveReport{});
  writer.commit(layout);
  CHECK(io::read_results(dir.path / "w.h5").steps() == 1);
}

TEST_CASE("results file errors name the file and the reason", "[io][hdf5]") {
  TempDir dir;
  const Result r = three_step_result();

  SECTION("missing directory") {
    const fs::path missing = dir.path / "no" / "such" / "dir";
    try {
      io::write_results(r, missing / "x.h5");
      FAIL("expected IoError");
    } catch (const IoError& e) {
      CHECK(e.code() == ErrorCode::io_error);
      CHECK(std::string(e.what()).find(missing.string()) != std::string::npos);
    }
    CHECK_FALSE(fs::exists(dir.path / "no"));
  }
  SECTION("bad options") {
    CHECK_THROWS_AS(io::write_results(r, dir.path / "x.h5", {.gzip_level = 10}), Error);
    CHECK_THROWS_AS(io::write_results(r, dir.path / "x.h5", {.chunk_steps = 0}), Error);
    CHECK(dir.entries().empty());
  }
  SECTION("reading a missing file") {
    CHECK_THROWS_AS(io::read_results(dir.path / "absent.h5"), IoError);
  }
  SECTION("reading a file that is not HDF5") {
    std::ofstream(dir.path / "text.h5") << "not hdf5\n";
    try {
      io::read_results(dir.path / "text.h5");
      FAIL("expected InputError");
    } catch (const InputError& e) {
      CHECK(e.code() == ErrorCode::parse_error);
      CHECK(std::string(e.what()).find("text.h5") != std::string::npos);
    }
  }
  SECTION("reading an HDF5 file of another format") {
    // Patch the stored `format` string in place (same length): a valid HDF5 file whose
    // format attribute says something else.
    const fs::path file = dir.path / "other.h5";
    io::write_results(r, file);
    std::string bytes = file_bytes(file);
    const auto at = bytes.find("heatnet-results/1");
    REQUIRE(at != std::string::npos);
    bytes[at + 16] = '9';
    std::ofstream(file, std::ios::binary) << bytes;
    try {
      io::read_results(file);
      FAIL("expected InputError");
    } catch (const InputError& e) {
      CHECK(std::string(e.what()).find("heatnet-results/9") != std::string::npos);
      CHECK(std::string(e.what()).find("heatnet-results/1") != std::string::npos);
    }
  }
}

TEST_CASE("string datasets: fixed-length written, fixed- and variable-length read", "[io][hdf5]") {
  namespace h5 = heatnet::io::h5;
  TempDir dir;
  const std::string path = (dir.path / "strings.h5").string();
  const std::vector<std::string> ids = {"P1", "a-longer-id", "", "ü-utf8"};
  std::vector<std::string> one_long(100, "a");
  one_long.push_back(std::string(100000, 'x'));  // padding all to this: 100x the data
  {
    h5::Session session(path);
    h5::File file = h5::create_file(path);
    h5::write_vector(file.id(), "fixed", ids);
    h5::write_vector(file.id(), "one_long", one_long);
    // what older heatnet files and h5py's default str dtype hold
    h5::Type vlen = h5::vlen_string_type();
    std::vector<const char*> p;
    for (const auto& s : ids) p.push_back(s.c_str());
    h5::write_vector(file.id(), "variable", vlen.id(), vlen.id(), p.data(), p.size());
    h5::Dataset fixed = h5::open_dataset(file.id(), "fixed");
    h5::Type type(H5Dget_type(fixed.id()));
    CHECK(H5Tis_variable_str(type.id()) == 0);
    CHECK(H5Tget_size(type.id()) == std::string("a-longer-id").size());
    h5::Dataset long_one = h5::open_dataset(file.id(), "one_long");
    h5::Type long_type(H5Dget_type(long_one.id()));
    CHECK(H5Tis_variable_str(long_type.id()) > 0);
  }
  h5::Session session(path);
  h5::File file = h5::open_file_read(path);
  for (const char* name : {"fixed", "variable"}) {
    INFO(name);
    h5::Dataset d = h5::open_dataset(file.id(), name);
    CHECK(h5::read_strings(d.id()) == ids);
  }
  h5::Dataset d = h5::open_dataset(file.id(), "one_long");
  CHECK(h5::read_strings(d.id()) == one_long);
}
