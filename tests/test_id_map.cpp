// detail::IdMap (network/elements/elements.hpp), the id -> index table of Network::build: ids
// of every length from 1 to 20 bytes, sharing prefixes, suffixes and bytes past the slot's
// 8-byte head, each found at its index; a duplicate refused; ids that differ from a present
// one in a single byte, by a trailing NUL or by length not found. The prefetching loops' hashes
// (HashesAhead) and index_link_ids' lookups.
#include <catch2/catch.hpp>

#include <string>
#include <tuple>
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

// The prefetching loops (index_ids, index_link_ids) look ids up with the hash HashesAhead
// computed kPrefetchAhead elements earlier: each element must get its own ids' hashes, in
// order, for counts below, at and above the look-ahead.
TEST_CASE("HashesAhead hands each element its own ids' hashes", "[id_map]") {
  using heatnet::detail::HashesAhead;
  for (std::size_t count : {std::size_t{0}, std::size_t{1}, IdMap::kPrefetchAhead - 1,
                            IdMap::kPrefetchAhead, IdMap::kPrefetchAhead + 1, std::size_t{100}}) {
    std::vector<std::string> from, to;
    for (std::size_t i = 0; i < count; ++i) {
      from.push_back("S" + std::to_string(i));
      to.push_back("a longer node id " + std::to_string(7 * i));
    }
    IdMap map(count);
    auto ids_of = [&](std::size_t i) { return std::tie(from[i], to[i]); };
    HashesAhead<2> hashes(map, count, ids_of);
    for (std::size_t i = 0; i < count; ++i) {
      const auto taken = hashes.take(i, ids_of);
      REQUIRE(taken[0] == IdMap::hash_of(from[i]));
      REQUIRE(taken[1] == IdMap::hash_of(to[i]));
    }
  }
}

TEST_CASE("index_link_ids finds both ends of every link and refuses a duplicate id", "[id_map]") {
  std::vector<heatnet::NodeDefinition> nodes(50);
  for (std::size_t i = 0; i < nodes.size(); ++i) nodes[i].id = "N" + std::to_string(i);
  std::vector<heatnet::PipeDefinition> pipes(40);
  for (std::size_t i = 0; i < pipes.size(); ++i) {
    pipes[i].id = "P" + std::to_string(i);
    pipes[i].from = "N" + std::to_string(i);
    pipes[i].to = i % 7 == 3 ? "nowhere" : "N" + std::to_string((3 * i + 1) % 50);
  }
  const auto node_ids = heatnet::detail::index_ids(nodes, "node");
  std::vector<heatnet::detail::LinkEnds> found;
  heatnet::detail::index_link_ids(pipes, "pipe", *node_ids, heatnet::detail::pipe_node_references,
                                  found);
  REQUIRE(found.size() == pipes.size());
  for (std::size_t i = 0; i < pipes.size(); ++i) {
    REQUIRE(found[i].from == node_ids->find(pipes[i].from));
    REQUIRE(found[i].to == node_ids->find(pipes[i].to));
  }
  REQUIRE(found[3].to == -1);
  pipes[30].id = "P12";
  REQUIRE_THROWS_WITH(heatnet::detail::index_link_ids(pipes, "pipe", *node_ids,
                                                      heatnet::detail::pipe_node_references, found),
                      Catch::Contains("P12") && Catch::Contains("duplicate id"));
}
