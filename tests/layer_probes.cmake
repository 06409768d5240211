# Proof that the layer rules hold (cmake/heatnet_layers.cmake): one ctest per edge compiles a
# one-line file with the include rules of a target. An edge up the layer graph must fail to
# compile because the header is not found; an allowed edge (the control) must compile, so that
# the forbidden ones fail for the right reason.
set(HEATNET_PROBE_DIR ${CMAKE_BINARY_DIR}/layer_probes)

# heatnet_layer_probe(<name> <target whose include rules apply> <header> ALLOWED|FORBIDDEN)
function(heatnet_layer_probe name target header verdict)
  set(src ${HEATNET_PROBE_DIR}/${name}.cpp)
  file(WRITE ${src}.in "// ${target} including ${header}: ${verdict}\n#include \"${header}\"\n")
  configure_file(${src}.in ${src} COPYONLY)  # rewritten only when it changes
  add_library(layer_probe_${name} OBJECT EXCLUDE_FROM_ALL ${src})
  target_include_directories(layer_probe_${name} PRIVATE
    $<TARGET_PROPERTY:${target},INCLUDE_DIRECTORIES>)
  target_link_libraries(layer_probe_${name} PRIVATE heatnet)
  add_test(NAME layer_${name}
           COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target layer_probe_${name})
  if(verdict STREQUAL "FORBIDDEN")
    string(REPLACE "." "\\." pattern "${header}: No such file or directory")
    set_tests_properties(layer_${name} PROPERTIES PASS_REGULAR_EXPRESSION "${pattern}")
  endif()
  set_tests_properties(layer_${name} PROPERTIES LABELS layers RUN_SERIAL TRUE)
endfunction()

# allowed edges (controls)
heatnet_layer_probe(solver_uses_network heatnet_solver network/checks.hpp ALLOWED)
heatnet_layer_probe(io_uses_network heatnet_io network/utf8.hpp ALLOWED)
heatnet_layer_probe(cli_uses_public_api heatnet_cli heatnet/io.hpp ALLOWED)
# edges up the graph, sideways between solver and io, and from the top into internals
heatnet_layer_probe(network_uses_solver heatnet_network solver/consumer_demand.hpp FORBIDDEN)
heatnet_layer_probe(network_uses_io heatnet_network io/temp_files.hpp FORBIDDEN)
heatnet_layer_probe(solver_uses_io heatnet_solver io/profiles_results.hpp FORBIDDEN)
heatnet_layer_probe(io_uses_solver heatnet_io solver/engine.hpp FORBIDDEN)
heatnet_layer_probe(cli_uses_io_internals heatnet_cli io/text_file.hpp FORBIDDEN)
heatnet_layer_probe(cli_uses_network_internals heatnet_cli network/checks.hpp FORBIDDEN)
if(TARGET _heatnet)
  heatnet_layer_probe(python_uses_public_api _heatnet heatnet/io.hpp ALLOWED)
  heatnet_layer_probe(python_uses_io_internals _heatnet io/text_file.hpp FORBIDDEN)
  heatnet_layer_probe(python_uses_solver_internals _heatnet solver/engine.hpp FORBIDDEN)
endif()
