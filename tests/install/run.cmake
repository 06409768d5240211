# Installs the build tree BUILD_DIR into WORK_DIR/prefix (public headers only, the static
# libraries, the CMake package files, the `heatnet` command), configures and builds the consumer
# project SOURCE_DIR/consumer against it (find_package(heatnet), heatnet::heatnet), runs it on a
# small network (it must converge), and checks that the consumer and the installed command report
# the version in the file VERSION.
# cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DWORK_DIR=... -DGENERATOR=... [-DCONSUMER_FLAGS=...] -P run.cmake
# (CONSUMER_FLAGS: compile and link flags the consumer needs, e.g. a sanitizer build's runtime)
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(installed include/heatnet/network.hpp include/heatnet/version.hpp bin/heatnet
                  lib/cmake/heatnet/heatnetConfig.cmake lib/cmake/heatnet/heatnetConfigVersion.cmake)
  if(NOT EXISTS ${prefix}/${installed})
    message(FATAL_ERROR "not installed: ${installed}")
  endif()
endforeach()
# internal headers stay internal
file(GLOB_RECURSE headers RELATIVE ${prefix}/include ${prefix}/include/*)
foreach(h IN LISTS headers)
  if(NOT h MATCHES "^heatnet/[a-z_]+\\.hpp$")
    message(FATAL_ERROR "installed header outside the public API: ${h}")
  endif()
endforeach()

set(network ${SOURCE_DIR}/../data/small_dh.json)
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/consumer -B ${WORK_DIR}/consumer -G ${GENERATOR}
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release
    "-DCMAKE_CXX_FLAGS=${CONSUMER_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${CONSUMER_FLAGS}")
run(${CMAKE_COMMAND} --build ${WORK_DIR}/consumer)
run(${WORK_DIR}/consumer/consumer ${network})
message(STATUS "consumer: ${run_output}")
file(STRINGS ${SOURCE_DIR}/../../VERSION version LIMIT_COUNT 1)
string(REPLACE "." "\\." version_pattern "${version}")
if(NOT run_output MATCHES "^${version_pattern} 1 [-0-9.e+]+")
  message(FATAL_ERROR "consumer printed '${run_output}', expected '${version} 1 <pressure>'")
endif()
run(${prefix}/bin/heatnet --version)
if(NOT run_output MATCHES "^heatnet ${version_pattern}")
  message(FATAL_ERROR "installed heatnet --version printed '${run_output}', expected ${version}")
endif()
