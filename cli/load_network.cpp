#include "cli/load_network.hpp"

#include <cctype>

#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "io/json_locate.hpp"

namespace heatnet::cli {
namespace {
bool is_json(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".json";
}
}  // namespace

LoadedNetwork load_network(const std::filesystem::path& path) {
  LoadedNetwork loaded;
  loaded.definition = io::read_network(path);
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
  if (!is_json(path)) throw error;
  throw io::with_json_path(error, loaded.definition);
}

}  // namespace heatnet::cli
