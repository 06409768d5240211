#include "cli/load_network.hpp"

#include <cctype>
#include <chrono>

#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "io/epanet_locate.hpp"
#include "io/json_locate.hpp"
#include "io/network_json_fast.hpp"
#include "io/text_file.hpp"

namespace heatnet::cli {
namespace {
std::string lower_extension(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}
}  // namespace

LoadedNetwork load_network(const std::filesystem::path& path, const io::EpanetImportOptions& inp_options,
                           bool keep_definition) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  LoadedNetwork loaded;
  const std::string ext = lower_extension(path);
  if (ext != ".inp" && ext != ".json") io::read_network(path);  // names the unknown extension
  {
    // The file is read once: hashed, parsed, then released before the build.
    const std::string bytes = io::json_detail::read_file_bytes(path);
    loaded.input_sha256 = io::sha256_hex(bytes);
    if (ext == ".inp") {
      loaded.definition = io::parse_epanet_inp(bytes, path.string(), inp_options);
      loaded.inp_options = inp_options;
    } else {
      loaded.definition = io::json_detail::parse_network_json_bytes(bytes, bytes.capacity());
    }
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
      io::parse_epanet_inp_with_origins(io::json_detail::read_file_bytes(path), path.string(),
                                        loaded.inp_options, origins);
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
