// SHA-256 of the input bytes, stored in results files so a result can be traced to the exact
// network file that produced it. OpenSSL's low-level SHA256_* calls (deprecated in 3.0 in
// favour of EVP): the EVP path loads the provider machinery and the OpenSSL configuration on
// first use, 1-3 ms per process, which is more than a small network's whole solve; the
// low-level calls run the same assembly (SHA extensions where the CPU has them) without it.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <string>
#include <string_view>

#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "io/text_file.hpp"

namespace heatnet::io {

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256_CTX context;
  if (SHA256_Init(&context) != 1 || SHA256_Update(&context, bytes.data(), bytes.size()) != 1 ||
      SHA256_Final(digest, &context) != 1)
    throw Error(ErrorCode::io_error, "", "", "", "", "OpenSSL could not compute SHA-256");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * SHA256_DIGEST_LENGTH);
  for (unsigned char byte : digest) {
    hex += kHex[byte >> 4];
    hex += kHex[byte & 0xf];
  }
  return hex;
}

std::string file_sha256_hex(const std::filesystem::path& path) {
  return sha256_hex(json_detail::read_file_bytes(path));
}

}  // namespace heatnet::io
