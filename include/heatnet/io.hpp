// File formats: network JSON (heatnet-network/1), HDF5 results (heatnet-results/1),
// EPANET .inp import. io/ uses the model and result types, never solver internals.
#pragma once
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "heatnet/errors.hpp"

#include "heatnet/network.hpp"
#include "heatnet/result.hpp"
#include "heatnet/simulate.hpp"

namespace heatnet::io {

// --- network JSON ---------------------------------------------------------------------------
// Strict: unknown keys, wrong types, missing required fields, non-finite numbers are
// InputError naming the JSON path (e.g. "pipes[17].length_m") and the element id.
NetworkDefinition parse_network_json(std::string_view text);
NetworkDefinition read_network_json(const std::filesystem::path& path);
// Canonical JSON (fixed key order, shortest round-trip numbers): reads back identical.
std::string network_to_json(const NetworkDefinition& definition, int indent = 1);
void write_network_json(const NetworkDefinition& definition, const std::filesystem::path& path);

// --- EPANET .inp import -----------------------------------------------------------------------
// One steady period at t = 0 with EPANET's physics (docs/network-format.md, "EPANET .inp import"):
// constant-property water (1000 kg/m3 x SPECIFIC GRAVITY, EPANET's viscosity), gravity
// 32.2 ft/s2, EPANET friction/pump/valve models; element ids kept. Bad input is an InputError
// whose path() is "file:line".
struct EpanetImportOptions {
  // false: convert flows like EPANET does internally (its rounded factors per cfs, e.g.
  // 28.317 L/s), so heads match EPANET's exactly; true: exact SI factors (1 LPS = 1e-3 m3/s).
  bool exact_si_flow_units = false;
};
NetworkDefinition parse_epanet_inp(std::string_view text, const std::string& file_name = "network.inp",
                                   const EpanetImportOptions& options = {});
NetworkDefinition read_epanet_inp(const std::filesystem::path& path,
                                  const EpanetImportOptions& options = {});

// Reads .json or .inp by extension.
NetworkDefinition read_network(const std::filesystem::path& path);

// A network file read once: its definition and the SHA-256 of exactly the bytes it was read from
// (the results' input_sha256), so a large file is neither read nor hashed twice. .json or .inp
// by extension (an unknown extension is an InputError before any read); .json through the fast
// reader where it can, the same definition and errors as read_network_json. `with_sha256` false
// (a check that writes no results): no hash, `sha256` stays empty.
struct NetworkFile {
  NetworkDefinition definition;
  std::string sha256;
};
NetworkFile read_network_file(const std::filesystem::path& path,
                              const EpanetImportOptions& inp_options = {},
                              bool with_sha256 = true);

// SHA-256 (hex) of bytes, for the results' input_sha256 attribute.
std::string sha256_hex(std::string_view bytes);
// SHA-256 (hex) of a file's bytes; throws IoError naming the file when it cannot be read.
std::string file_sha256_hex(const std::filesystem::path& path);

// --- locating build errors in the input file ----------------------------------------------------
// Network::build names the element, field and value of an error; these map it back to where the
// file wrote it, so an error in a file reads like the reader's own:
//   "pipes[0].inner_diameter_m (pipe 'P0'): value -0.1: must be > 0 (and < 100 m)"
//   "net.inp:7 (pipe 'P1'): length = -300; must be > 0 (imported as length_m = -91.44)"

// JSON path of the element/field an error names in `definition`, or "" when it cannot tell.
std::string json_path_of(const NetworkError& error, const NetworkDefinition& definition);
// The same error with its path set (unchanged if it already has one or none is found).
NetworkError with_json_path(const NetworkError& error, const NetworkDefinition& definition);

// Where each imported EPANET element came from: filled by the *_with_origins readers.
struct InpSourceMap {
  struct Origin {
    std::string epanet_kind;          // junction, reservoir, tank, pipe, pump, valve
    int line = 0;
    std::vector<std::string> tokens;  // the data line, split as the importer split it
  };
  std::string file;
  // (heatnet kind, id as an Error keeps it: shown_input(id, kErrorFieldChars)) -> origin
  std::map<std::pair<std::string, std::string>, Origin> origins;

  void add(std::string_view kind, const std::string& id, Origin origin);
  const Origin* find(const std::string& kind, const std::string& id) const;
};

// parse_epanet_inp / read_epanet_inp that also record where every element came from.
NetworkDefinition parse_epanet_inp_with_origins(std::string_view text, const std::string& file_name,
                                                const EpanetImportOptions& options,
                                                InpSourceMap& origins);
NetworkDefinition read_epanet_inp_with_origins(const std::filesystem::path& path,
                                               const EpanetImportOptions& options,
                                               InpSourceMap& origins);

// The error located in the .inp file: file:line of the element, the EPANET field and the value as
// the file writes it, in its units (unchanged if it has a path already or names no element the
// map knows).
NetworkError with_inp_location(const NetworkError& error, const InpSourceMap& origins);

// --- HDF5 results ---------------------------------------------------------------------------
struct ResultsFileOptions {
  int gzip_level = 0;           // 0 = no compression; 1..9 gzip
  std::size_t chunk_steps = 64; // chunk size along time
  // Either way the file appears whole or not at all for every other process (temporary name,
  // then rename). On: the file is also flushed to disk (fsync) before it takes the target
  // name, so a power cut or kernel crash right after the run cannot leave an empty or partial
  // file there. Off by default: one disk flush costs 10-40 ms on the development machine,
  // more than a small network's whole run (CLI: --sync).
  bool sync_to_disk = false;
};

// Streams a time series: datasets are created chunked and extendable along time; each
// append() writes one step. The file is written under a temporary name in the target folder
// and renamed on commit(); destroying an uncommitted writer removes the temporary file.
class ResultsWriter {
 public:
  ResultsWriter(const std::filesystem::path& path, const Result& layout,
                ResultsFileOptions options = {});
  ~ResultsWriter();
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;

  void append(double time_s, const Solution& step, const SolveReport& report);
  // Writes metadata, closes and renames onto the target. `complete` = false flags an
  // interrupted time series (attribute `complete` = 0).
  void commit(const Result& metadata, bool complete = true);

 private:
  // write_results(): every step and check known in advance, so the datasets get their final
  // size at creation (contiguous, no chunk index) unless gzip needs chunks.
  struct KnownSize {
    std::size_t steps = 0, checks = 0;
  };
  ResultsWriter(const std::filesystem::path& path, const Result& layout,
                ResultsFileOptions options, KnownSize size);
  // With a KnownSize and no gzip: every dataset of `result` in one write, straight from its
  // arrays (no per-step copies: a 10^6-pipe result is ~200 MB), `checks_by_step` in step order.
  void append_whole(const Result& result,
                    const std::vector<std::vector<const CheckRecord*>>& checks_by_step);
  friend void write_results(const Result& result, const std::filesystem::path& path,
                            ResultsFileOptions options);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes a whole Result atomically (steady solves, Python's Result.to_hdf5).
void write_results(const Result& result, const std::filesystem::path& path,
                   ResultsFileOptions options = {});

// Reads a results file back (all datasets and metadata).
Result read_results(const std::filesystem::path& path);

// For a process that exits as soon as its work is done (the command line): HDF5 then skips its
// teardown at exit, which only frees memory the exit returns anyway (~0.9 M instructions, 7 %
// of a small network's `heatnet solve`). Call it before anything else uses HDF5. HDF5 then
// no longer closes files left open at exit: every file must be closed before (the writer and
// reader close theirs when destroyed). Not for a host like Python, which may use HDF5 after
// heatnet.
void skip_hdf5_teardown_at_exit();

// --- time series ------------------------------------------------------------------------------
// simulate()'s results file: each step is streamed into a hidden staged file beside `target`;
// finish() adds the run summary (root attributes), /solver/step_status and the step arrival,
// syncs the file when options.sync_to_disk says so and renames it onto `target` (atomic: the name only ever holds a finished
// file). A sink destroyed before finish() (an error, a stop before the first step) removes what
// it staged. Throws IoError when the file cannot be written.
class ResultsFileSink final : public StepSink {
 public:
  explicit ResultsFileSink(std::filesystem::path target, ResultsFileOptions options = {0, 256});
  ~ResultsFileSink() override;
  ResultsFileSink(const ResultsFileSink&) = delete;
  ResultsFileSink& operator=(const ResultsFileSink&) = delete;

  void begin(const Result& layout, std::size_t steps_planned) override;
  void write_step(double time_s, const Solution& solution, const SolveReport& report) override;
  void finish(const SimulationResult& run, const SimulationOptions& options) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The summary stored in a results file written through a ResultsFileSink (its root attributes;
// the timing fields are not stored and stay 0). Throws IoError for a file without them.
SimulationSummary read_simulation_summary(const std::filesystem::path& results);

}  // namespace heatnet::io
