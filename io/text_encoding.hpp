// Text files whose encoding is not declared (EPANET .inp): UTF-8 when the bytes are valid
// UTF-8, otherwise Windows-1252 (a superset of Latin-1 for printable text, what EPANET files
// from Europe use), so every id and title handed on is valid UTF-8.
#pragma once
#include <string>
#include <string_view>

namespace heatnet::io::detail {

struct DecodedText {
  std::string_view utf8;           // the text: into the input bytes, or into `converted`
  std::string converted;           // the UTF-8 made from Windows-1252 bytes
  bool from_windows_1252 = false;  // the bytes were not UTF-8 and were converted
};

// A UTF-8 byte order mark is dropped; valid UTF-8 is kept byte for byte, without a copy (the
// result's `utf8` then views `bytes`, which must outlive it). A moved DecodedText keeps its
// view valid (the converted string's heap buffer moves with it); do not copy it.
DecodedText decode_utf8_or_windows_1252(std::string_view bytes);

}  // namespace heatnet::io::detail
