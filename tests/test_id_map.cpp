// detail::IdMap (network/elements/elements.hpp), the id -> index table of Network::build: ids
// of every length from 1 to 20 bytes, sharing prefixes, suffixes and bytes past the slot's
// 8-byte head, each found at its index; a duplicate refused; ids that differ from a present
// one in a single byte, by a trailing NUL or by length not found.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "network/elements/elements.hpp"

using heatnet::detail::IdMap;

TEST_CASE("IdMap finds every id it holds and no other", "[id_map]") {
  std::vector<std::string> ids;
  for (int length = 1; length <= 20; ++length)
    for (char c : {'a', 'b', 'z'})
      for (int position = 0; position < length; ++position) {
        std::string id(length, 'x');
        id[position] = c;
        ids.push_back(id);
      }
  for (int i = 0; i < 3000; ++i) ids.push_back("S" + std::to_string(i));  // the common shape
  IdMap map(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) REQUIRE(map.insert(ids[i], static_cast<int>(i)));
  for (std::size_t i = 0; i < ids.size(); ++i) REQUIRE(map.find(ids[i]) == static_cast<int>(i));
  REQUIRE_FALSE(map.insert(ids[5], 99999));
  REQUIRE_FALSE(map.insert("xxxxxxxxxxxxb", 99999));  // a long one, differing past the head
  for (const std::string& absent :
       {std::string("c"), std::string("xxxxxxxxxxxxxxxxxxxxxxx"), std::string("S3000"),
        std::string("xxxxxxxxxxxxxxxxxxxy"), std::string("xxxxxxxxc"), std::string("xxxy"),
        std::string("S1\0", 3), std::string("S12", 2) + std::string(1, '\0')})
    REQUIRE(map.find(absent) == -1);
  REQUIRE(map.find("xxxxxxxxxxxxxxxxxxxa") >= 0);
}
