#include "io/text_encoding.hpp"

#include <algorithm>
#include <cstdint>

#include "network/utf8.hpp"

namespace heatnet::io::detail {
namespace {

// Windows-1252 bytes 0x80..0x9F; the five bytes it leaves undefined keep their Latin-1 (C1)
// code points, as Windows' own conversion does.
constexpr std::uint16_t kWindows1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::uint32_t windows_1252_code_point(unsigned char byte) {
  return byte >= 0x80 && byte < 0xA0 ? kWindows1252High[byte - 0x80] : byte;
}

}  // namespace

DecodedText decode_utf8_or_windows_1252(std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  DecodedText text;
  if (heatnet::detail::is_valid_utf8(bytes)) {
    text.utf8 = bytes;
    return text;
  }
  text.from_windows_1252 = true;
  // at least one byte >= 0x80 became two or three: the buffer is on the heap, so the view
  // below survives moving `text`
  text.converted.reserve(std::max<std::size_t>(bytes.size() + bytes.size() / 8, 32));
  for (const char c : bytes)
    append_utf8(text.converted, windows_1252_code_point(static_cast<unsigned char>(c)));
  text.utf8 = text.converted;
  return text;
}

}  // namespace heatnet::io::detail
