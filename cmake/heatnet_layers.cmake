# One static library per top-level folder; the link graph is the layer graph
# (network <- solver, network <- io; the CLI and Python on top use the public API only).
#
# Include rules: a layer sees the public API (include/heatnet/), its own folder and the folders of
# the layers it USES, and nothing else. Internal headers are included as "<folder>/<file>.hpp".
# The source root is on no include path; instead each folder gets a root of its own in the build
# tree holding one symbolic link, <build>/layers/<folder>/<folder> -> <source>/<folder>. So an
# include that points up the graph (solver/ including "io/...") names a file on none of the
# layer's include paths and fails to compile. tests/layer_probes.cmake proves that it does.

set(HEATNET_LAYER_ROOT ${CMAKE_BINARY_DIR}/layers)

# The include root that exposes <folder>/ (and only it).
function(heatnet_folder_root folder out)
  set(dir ${HEATNET_LAYER_ROOT}/${folder})
  if(NOT EXISTS ${dir}/${folder})
    file(MAKE_DIRECTORY ${dir})
    file(CREATE_LINK ${CMAKE_SOURCE_DIR}/${folder} ${dir}/${folder} SYMBOLIC)
  endif()
  set(${out} ${dir} PARENT_SCOPE)
endfunction()

# heatnet_layer(<folder> [USES <lower folder>...]): target heatnet_<folder> from <folder>/**.cpp.
function(heatnet_layer folder)
  cmake_parse_arguments(L "" "" "USES" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/${folder}/*.cpp)
  add_library(heatnet_${folder} STATIC ${sources})
  set_target_properties(heatnet_${folder} PROPERTIES EXPORT_NAME ${folder})
  heatnet_folder_root(${folder} own_root)
  target_include_directories(heatnet_${folder}
    PUBLIC $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include>
           $<BUILD_INTERFACE:${CMAKE_BINARY_DIR}/include>  # generated heatnet/version.hpp
           $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    PRIVATE ${own_root})
  foreach(lower IN LISTS L_USES)
    heatnet_folder_root(${lower} lower_root)
    target_include_directories(heatnet_${folder} PRIVATE ${lower_root})
    target_link_libraries(heatnet_${folder} PUBLIC heatnet_${lower})
  endforeach()
endfunction()
