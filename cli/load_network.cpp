#include "cli/load_network.hpp"

#include <cctype>
#include <memory>

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

LoadedNetwork load_network(const std::filesystem::path& path, const io::EpanetImportOptions& inp_options) {
  LoadedNetwork loaded;
  if (lower_extension(path) == ".inp") {
    auto origins = std::make_shared<io::InpSourceMap>();
    loaded.definition = io::read_epanet_inp_with_origins(path, inp_options, *origins);
    loaded.inp_origins = std::move(origins);
  } else {
    loaded.definition = io::read_network(path);
  }
  try {
    loaded.network = Network::build(loaded.definition);
  } catch (const InputError&) {
    throw;  // already located
  } catch (const NetworkError& e) {
    rethrow_located(e, loaded, path);
  }
  return loaded;
}

void rethrow_located(const NetworkError& error, const LoadedNetwork& loaded,
                     const std::filesystem::path& path) {
  if (loaded.inp_origins) throw io::with_inp_location(error, *loaded.inp_origins);
  if (lower_extension(path) != ".json") throw error;
  throw io::with_json_path(error, loaded.definition);
}

}  // namespace heatnet::cli
