// SHA-256 of the input bytes, stored in results files so a result can be traced to the exact
// network file that produced it. OpenSSL's EVP API (the low-level SHA256_* calls are deprecated).
#include <openssl/evp.h>

#include <string>
#include <string_view>

#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "io/text_file.hpp"

namespace heatnet::io {

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1)
    throw Error(ErrorCode::io_error, "", "", "", "", "OpenSSL could not compute SHA-256");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

std::string file_sha256_hex(const std::filesystem::path& path) {
  return sha256_hex(json_detail::read_file_bytes(path));
}

}  // namespace heatnet::io
