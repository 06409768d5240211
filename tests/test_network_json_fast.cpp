// The fast network JSON reader (io/network_json_fast.cpp): it either reads a document exactly
// as the precise reader does, or declines it (nullopt) so the precise reader answers or words
// the error. Checked on every JSON file in the repository, and on the spellings it must decline.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "heatnet/errors.hpp"
#include "heatnet/io.hpp"
#include "io/network_json_fast.hpp"
#include "io/text_file.hpp"

namespace fs = std::filesystem;
using namespace heatnet;
using io::json_detail::parse_network_json_fast;
using io::json_detail::parse_network_json_precise;

namespace {

// A small valid network with `extra` spliced into the first node object.
std::string network_with_node(const std::string& node_fields) {
  return R"({"format": "heatnet-network/1", "nodes": [{"id": "N1", "elevation_m": 3.5)" +
         node_fields + R"(}, {"id": "N2"}], "pipes": [{"id": "P1", "from": "N1", "to": "N2",
         "length_m": 100, "inner_diameter_m": 0.1, "roughness_mm": 0.1}]})";
}

}  // namespace

TEST_CASE("fast JSON reader: every repository JSON it accepts reads as the precise reader reads it",
          "[json][fast]") {
  int accepted = 0, declined = 0, networks = 0;
  for (const char* folder : {"tests/data", "examples", "validation/cases", "tests/fuzz/seeds"}) {
    const fs::path root = fs::path(HEATNET_SOURCE_DIR) / folder;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (entry.path().extension() != ".json") continue;
      const io::json_detail::FileBytes file = io::json_detail::read_file_bytes(entry.path());
      const std::string_view text = file;
      INFO(entry.path().string());
      const auto fast = parse_network_json_fast(text, file.capacity());
      std::optional<NetworkDefinition> precise;
      try {
        precise = parse_network_json_precise(text);
        ++networks;
      } catch (const Error&) {
      }
      if (fast) {
        ++accepted;
        REQUIRE(precise);
        CHECK(*fast == *precise);
      } else {
        ++declined;
      }
    }
  }
  // Every valid network in the repository takes the fast path (none is written unusually).
  CHECK(accepted == networks);
  CHECK(declined > 100);  // the bad-input corpus
}

TEST_CASE("fast JSON reader declines what only the precise reader may judge", "[json][fast]") {
  REQUIRE(parse_network_json_fast(network_with_node("")));
  const char* declined[] = {
      R"(, "elevation_m": 1)",               // duplicate key
      R"(, "elevaton_m": 1)",                // unknown key (did you mean)
      R"(, "x": "1")",                       // wrong type
      R"(, "x": 1e400)",                     // overflow
      R"(, "x": NaN)",                       // not JSON
      R"(, "demand_kg_s": 1,)",              // trailing comma
  };
  for (const char* extra : declined) {
    INFO(extra);
    CHECK_FALSE(parse_network_json_fast(network_with_node(extra)));
  }
  // Escapes and raw tabs in strings, a missing required key, bytes after the document.
  CHECK_FALSE(parse_network_json_fast(
      R"({"format": "heatnet-network/1", "nodes": [{"id": "N\u0031"}]})"));
  CHECK_FALSE(parse_network_json_fast("{\"format\": \"heatnet-network/1\", \"nodes\": [{\"id\": \"N\t1\"}]}"));
  CHECK_FALSE(parse_network_json_fast(R"({"format": "heatnet-network/1", "nodes": [{}]})"));
  CHECK_FALSE(parse_network_json_fast(R"({"format": "heatnet-network/1", "nodes": []} x)"));
  CHECK_FALSE(parse_network_json_fast(R"({"format": "heatnet-network/2", "nodes": []})"));
  CHECK_FALSE(parse_network_json_fast(R"({"nodes": []})"));
  // Declined documents still read (or fail) through parse_network_json as before.
  CHECK(io::parse_network_json(R"({"format": "heatnet-network/1", "nodes": [{"id": "N\u0031"}]})")
            .nodes[0]
            .id == "N1");
  CHECK_THROWS_AS(io::parse_network_json(network_with_node(R"(, "elevaton_m": 1)")), InputError);
}

TEST_CASE("fast JSON reader reads -0 as nlohmann does: the integer -0 is +0, -0.0 stays -0.0",
          "[json][fast]") {
  for (const char* x : {"-0", "-0.0", "-0e0", "0"}) {
    INFO(x);
    const std::string text = network_with_node(std::string(R"(, "x": )") + x);
    const auto fast = parse_network_json_fast(text);
    REQUIRE(fast);
    const auto precise = parse_network_json_precise(text);
    CHECK(std::signbit(*fast->nodes[0].x) == std::signbit(*precise.nodes[0].x));
  }
}

namespace {

// The fast reader's answer for `text`, checked against the precise reader: nullopt if
// declined, else the definition, which must be the precise reader's.
std::optional<NetworkDefinition> read_fast_checked(const std::string& text) {
  auto fast = parse_network_json_fast(text);
  if (fast) CHECK(*fast == parse_network_json_precise(text));
  return fast;
}

}  // namespace

TEST_CASE("fast JSON reader leaves numbers of more than 19 significant digits to the precise reader",
          "[json][fast]") {
  // simdjson 3.0.1 reads "0.1888...8" (140 eights) as 1.02e-122; strtod as 0.18888888888888888.
  const std::string long_fraction = "0.1" + std::string(140, '8');
  CHECK_FALSE(parse_network_json_fast(network_with_node(", \"x\": " + long_fraction)));
  CHECK(*io::parse_network_json(network_with_node(", \"x\": " + long_fraction)).nodes[0].x ==
        std::strtod(long_fraction.c_str(), nullptr));
  for (const char* declined : {"0.95000000000000000000", "12345678901234567890",
                               "-0.00012345678901234567890", "1.2345678901234567890e-5"}) {
    INFO(declined);
    CHECK_FALSE(parse_network_json_fast(network_with_node(std::string(", \"x\": ") + declined)));
  }
  // Up to 19 significant digits, leading zeros not counted, the fast path reads them.
  for (const char* read : {"0.30000000000000004", "-0.000000000001234567890123456789",
                           "1234567890123456789", "1.2345678901234567e-300"}) {
    INFO(read);
    CHECK(read_fast_checked(network_with_node(std::string(", \"x\": ") + read)));
  }
}

TEST_CASE("fast JSON reader finds a stray control byte wherever it is", "[json][fast]") {
  // A control byte at any offset is declined, and the precise reader words the error; tab,
  // newline and carriage return between tokens are whitespace.
  const std::string text = network_with_node(R"(, "x": 1)");
  REQUIRE(text.size() > 3 * 64);
  REQUIRE(read_fast_checked(text));
  for (std::size_t at = 0; at <= text.size(); ++at) {
    INFO("at " << at);
    std::string bad = text;
    bad.insert(at, 1, '\x01');
    CHECK_FALSE(parse_network_json_fast(bad));
    CHECK_THROWS_AS(io::parse_network_json(bad), InputError);
  }
  for (const char space : {'\t', '\n', '\r'}) {
    const std::string spaced = network_with_node(std::string(",") + space + R"("x": 1)");
    CHECK(read_fast_checked(spaced));
  }
}

TEST_CASE("fast JSON reader declines a control byte at any offset of a network with every element",
          "[json][fast]") {
  // Whatever it is next to (a key, a string, a number, true/false, a bracket, whitespace), a
  // control character other than tab, newline and carriage return is not plain.
  const io::json_detail::FileBytes file = io::json_detail::read_file_bytes(
      fs::path(HEATNET_SOURCE_DIR) / "tests/fuzz/seeds/every_element.json");
  std::string text(file.view());
  const std::size_t first_pipe = text.find(R"("length_m")");  // flags: true, false
  REQUIRE(first_pipe != std::string::npos);
  text.insert(first_pipe, R"("check_valve": true, "closed": false, )");
  REQUIRE(read_fast_checked(text));
  int accepted = 0;
  for (std::size_t at = 0; at <= text.size(); ++at) {
    for (const char control : {'\x00', '\x0b', '\x1f'}) {
      std::string bad = text;
      bad.insert(at, 1, control);
      if (parse_network_json_fast(bad)) {
        UNSCOPED_INFO("accepted byte " << int(control) << " at " << at);
        ++accepted;
      }
    }
  }
  CHECK(accepted == 0);
}

TEST_CASE("fast JSON reader reads ids of any length, declines escapes at any position",
          "[json][fast]") {
  // Strings are scanned 8 bytes at a time: the closing quote, a backslash or a raw control
  // character is found at every offset in the word.
  const auto network_with_id = [](const std::string& id) {
    return R"({"format": "heatnet-network/1", "nodes": [{"id": ")" + id + R"("}]})";
  };
  for (std::size_t length = 1; length <= 24; ++length) {
    const std::string id(length, 'a');
    const auto plain = read_fast_checked(network_with_id(id));
    REQUIRE(plain);
    CHECK(plain->nodes[0].id == id);
    for (std::size_t at = 0; at < length; ++at) {
      INFO("length " << length << ", at " << at);
      for (const char* inner : {"\\\"", "\\\\", "\\u0062", "\t", "\n"}) {
        std::string spelled = id;
        spelled.replace(at, 1, inner);
        CHECK_FALSE(parse_network_json_fast(network_with_id(spelled)));
      }
    }
  }
}

TEST_CASE("fast JSON reader matches keys whole: a prefix or an extension is another key",
          "[json][fast]") {
  for (const char* key : {"elevation", "elevation_mm", "elevation_", "i", "idd", "ID"}) {
    INFO(key);
    CHECK_FALSE(parse_network_json_fast(network_with_node(std::string(", \"") + key + "\": 1")));
  }
  // A key written with an escape is still the key: left to the precise reader, which reads it.
  const std::string escaped = network_with_node(R"(, "x\u0000": 1)");
  CHECK_FALSE(parse_network_json_fast(escaped));
  CHECK(read_fast_checked(network_with_node(R"(, "x": 2)"))->nodes[0].x == 2.0);
}

TEST_CASE("read_file_bytes: a file's bytes whole, then zeros the fast reader may read ahead",
          "[json][fast][io]") {
  using io::json_detail::kReadAheadBytes;
  const fs::path dir = fs::temp_directory_path() / ("heatnet_file_bytes_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  // Sizes around the 64 KiB reading piece, and mapped ones (from kMapFromBytes on) ending on a
  // page boundary (the read-ahead on a page of its own) and just past it, no zero byte in them.
  using io::json_detail::kMapFromBytes;
  for (const std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{65535},
                                 std::size_t{65536}, std::size_t{200001}, kMapFromBytes - 1,
                                 kMapFromBytes, kMapFromBytes + 1, 4 * kMapFromBytes}) {
    INFO("size " << size);
    std::string bytes(size, 'x');
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>('a' + i % 26);
    const fs::path file = dir / "f.txt";
    { std::ofstream(file, std::ios::binary) << bytes; }
    const io::json_detail::FileBytes read = io::json_detail::read_file_bytes(file);
    CHECK(read.view() == bytes);
    REQUIRE(read.capacity() >= size + kReadAheadBytes);
    CHECK(std::string_view(read.view().data() + size, kReadAheadBytes) ==
          std::string(kReadAheadBytes, '\0'));
  }
  // A file whose size stat does not tell (0 for /proc files, pipes) is read whole too.
  const io::json_detail::FileBytes status = io::json_detail::read_file_bytes("/proc/self/status");
  CHECK(status.view().find("Name:") == 0);
  CHECK(status.capacity() >= status.size() + kReadAheadBytes);
  CHECK_THROWS_AS(io::json_detail::read_file_bytes(dir), IoError);  // a folder: clear error
  fs::remove_all(dir);
}

namespace {

// `numbers` as the x of as many nodes.
std::string network_with_xs(const std::vector<std::string>& numbers) {
  std::string text = R"({"format": "heatnet-network/1", "nodes": [)";
  for (std::size_t i = 0; i < numbers.size(); ++i)
    text += (i ? ", " : "") + std::string(R"({"id": "N)") + std::to_string(i) + R"(", "x": )" +
            numbers[i] + "}";
  return text + "]}";
}

// Decimal spellings: 1..19 digits (more are declined), the point anywhere, exponents around
// +-22 (the exact-product range) and beyond, both signs (a fixed linear congruential sequence).
std::vector<std::string> decimal_spellings() {
  std::vector<std::string> out;
  std::uint64_t state = 12345;
  const auto next = [&](std::uint64_t n) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    return (state >> 33) % n;
  };
  for (int k = 0; k < 4000; ++k) {
    const std::size_t digits = 1 + next(19);
    std::string mantissa;
    for (std::size_t d = 0; d < digits; ++d) mantissa += static_cast<char>('0' + next(10));
    while (mantissa.size() > 1 && mantissa[0] == '0') mantissa.erase(0, 1);
    std::string s = next(2) ? "-" : "";
    const std::size_t point = next(mantissa.size() + 1);
    if (point == 0) {
      s += "0." + mantissa;
    } else if (point == mantissa.size()) {
      s += mantissa;
    } else {
      s += mantissa.substr(0, point) + "." + mantissa.substr(point);
    }
    if (next(3) == 0) s += (next(2) ? "e" : "E") + std::string(next(2) ? "-" : "+") + std::to_string(next(40));
    out.push_back(s);
  }
  for (const char* edge : {"9007199254740992", "9007199254740993", "1e22", "1e23", "1e-22",
                           "1e-23", "4.9e-324", "1.7976931348623157e308", "0.1", "0.3",
                           "123456789012345678e-22", "2.2250738585072014e-308", "1E+0", "0e99"})
    out.push_back(edge);
  return out;
}

}  // namespace

TEST_CASE("fast JSON reader reads every number as strtod does, bit for bit", "[json][fast]") {
  // simdjson's parser must give the correctly rounded double, as the precise reader (strtod)
  // does: glibc's strtod rounds correctly, the independent reference.
  const std::vector<std::string> numbers = decimal_spellings();
  const auto fast = parse_network_json_fast(network_with_xs(numbers));
  REQUIRE(fast);
  REQUIRE(fast->nodes.size() == numbers.size());
  int differ = 0;
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    double expected = std::strtod(numbers[i].c_str(), nullptr);
    // nlohmann's rule (see the -0 test): an integer spelling of zero is +0.
    if (expected == 0 && numbers[i].find_first_of(".eE") == std::string::npos) expected = 0.0;
    const double read = *fast->nodes[i].x;
    if (std::memcmp(&read, &expected, sizeof read) != 0) {
      UNSCOPED_INFO(numbers[i] << ": read " << read << ", strtod " << expected);
      ++differ;
    }
  }
  CHECK(differ == 0);
}

TEST_CASE("fast JSON reader declines numbers JSON does not allow", "[json][fast]") {
  for (const char* bad : {"01", "-01", "1.", "-", ".5", "1e", "1e+", "+1", "1.e5", "0x10", "1.5.2",
                          "1e5e5", "--1", "1,5 ", "00", "1 2", "1-", "1e-", "Infinity", "1e99999"}) {
    INFO(bad);
    CHECK_FALSE(parse_network_json_fast(network_with_node(std::string(", \"x\": ") + bad)));
    CHECK_THROWS_AS(io::parse_network_json(network_with_node(std::string(", \"x\": ") + bad)),
                    InputError);
  }
  // Keys longer than one 8-byte word differ in their last word only.
  for (const char* key : {"injection_temperature_D", "injection_temperature_", "elevation_n"}) {
    INFO(key);
    CHECK_FALSE(parse_network_json_fast(network_with_node(std::string(", \"") + key + "\": 1")));
  }
  CHECK(read_fast_checked(network_with_node(R"(, "injection_temperature_C": 70)")));
}

TEST_CASE("fast JSON reader reads long lists whole, whatever their elements' sizes",
          "[json][fast]") {
  // The room for a list is estimated from its first 256 elements' size in the text: later
  // elements that are smaller (the estimate is short: the list grows) or larger read the same.
  for (const std::size_t long_ids : {std::size_t{0}, std::size_t{300}, std::size_t{2000}}) {
    INFO("long ids: " << long_ids);
    std::string text = R"({"format": "heatnet-network/1", "nodes": [)";
    for (std::size_t i = 0; i < 2000; ++i) {
      const std::string id = (i < long_ids ? std::string(40, 'n') : std::string("N")) +
                             std::to_string(i);
      text += (i ? ", " : "") + std::string(R"({"id": ")") + id + R"(", "x": 1.5})";
    }
    text += "]}";
    const auto fast = read_fast_checked(text);
    REQUIRE(fast);
    CHECK(fast->nodes.size() == 2000);
    CHECK(fast->nodes.back().id.back() == '9');
  }
}
