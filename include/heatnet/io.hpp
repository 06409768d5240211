// File formats: network JSON (heatnet-network/1), HDF5 results (heatnet-results/1),
// EPANET .inp import. io/ uses the model and result types, never solver internals.
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "heatnet/network.hpp"
#include "heatnet/result.hpp"

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
// One steady period at t = 0 with EPANET's physics (docs/network-format-extensions.md):
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

// SHA-256 (hex) of bytes, for the results' input_sha256 attribute.
std::string sha256_hex(std::string_view bytes);

// --- HDF5 results ---------------------------------------------------------------------------
struct ResultsFileOptions {
  int gzip_level = 0;           // 0 = no compression; 1..9 gzip
  std::size_t chunk_steps = 64; // chunk size along time
  // Flush the file to disk before it takes the target name, so a power cut cannot leave an
  // empty file there. Costs one disk flush (10-40 ms on the development machine, more than a
  // small network's whole run); off for scratch results. Either way the file appears whole or
  // not at all for every other process (temporary name, then rename).
  bool sync_to_disk = true;
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
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes a whole Result atomically (steady solves, Python's Result.to_hdf5).
void write_results(const Result& result, const std::filesystem::path& path,
                   ResultsFileOptions options = {});

// Reads a results file back (all datasets and metadata).
Result read_results(const std::filesystem::path& path);

}  // namespace heatnet::io
