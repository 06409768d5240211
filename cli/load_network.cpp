#include "cli/load_network.hpp"

#include <cctype>
#include <chrono>

#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"

namespace heatnet::cli {
namespace {
std::string lower_extension(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}
}  // namespace

LoadedNetwork load_network(const std::filesystem::path& path, const io::EpanetImportOptions& inp_options,
                           bool keep_definition, bool with_sha256) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  LoadedNetwork loaded;
  {
    // The file is read once: hashed and parsed (its bytes released before the build).
    io::NetworkFile file = io::read_network_file(path, inp_options, with_sha256);
    loaded.definition = std::move(file.definition);
    loaded.input_sha256 = std::move(file.sha256);
    loaded.inp_options = inp_options;
  }
  const auto read = Clock::now();
  try {
    loaded.network = Network::build(loaded.definition);
  } catch (const InputError&) {
    throw;  // already located
  } catch (const NetworkError& e) {
    rethrow_located(e, loaded, path);
  }
  // Built: the definition is a second copy of the network (300 MB at 1e6 pipes) that only an
  // error would need; rethrow_located reads the file again then.
  if (!keep_definition) {
    loaded.definition = NetworkDefinition{};
    loaded.definition_released = true;
  }
  loaded.read_s = std::chrono::duration<double>(read - start).count();
  loaded.build_s = std::chrono::duration<double>(Clock::now() - read).count();
  return loaded;
}

void rethrow_located(const NetworkError& error, const LoadedNetwork& loaded,
                     const std::filesystem::path& path) {
  const std::string ext = lower_extension(path);
  if (ext == ".inp") {
    io::InpSourceMap origins;
    try {
      io::read_epanet_inp_with_origins(path, loaded.inp_options, origins);
    } catch (const Error&) {
      throw error;  // the file changed under us: the error as it is
    }
    throw io::with_inp_location(error, origins);
  }
  if (ext != ".json") throw error;
  if (loaded.definition_released) {  // read the file again for the element's JSON path
    NetworkDefinition again;
    try {
      again = io::read_network_json(path);
    } catch (const Error&) {
      throw error;  // the file changed under us: the error as it is
    }
    throw io::with_json_path(error, again);
  }
  throw io::with_json_path(error, loaded.definition);
}

}  // namespace heatnet::cli
