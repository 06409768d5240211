# Start-up time of the `heatnet` executable: statically linked dependencies where Debian ships
# their archives.
#
# A small network solves in well under a millisecond, so a CLI run is mostly process start-up,
# and that was mostly the dynamic linker: Debian's shared HDF5 brings libcurl (its S3 driver,
# unused here) and ~28 libraries behind it, and OpenBLAS alone resolves ~12,000 symbols at load
# time. Linked statically, those symbols are resolved once, at build time (measured on the
# development machine: `heatnet --version` 9 ms -> 1.6 ms).
#
# A library layer states its dependencies twice, shared and static, through
#   heatnet_link_dependencies(<target> SHARED <libs...> STATIC <libs...>)
# and an executable that sets the target property HEATNET_STATIC_DEPS to ON links the static
# set (the property is read on the executable being linked, since a static library's own
# dependencies are linked into its consumer). Everything else (Python module, tests, an
# installed heatnet::heatnet) links the shared set. The static set is used only when every
# archive of it exists; otherwise the executable gets the shared set too.

set(HEATNET_STATIC_DEPS_ON "$<BOOL:$<TARGET_PROPERTY:HEATNET_STATIC_DEPS>>")

function(heatnet_link_dependencies target)
  cmake_parse_arguments(D "" "" "SHARED;STATIC" ${ARGN})
  set(complete TRUE)
  foreach(lib IN LISTS D_STATIC)
    if(lib MATCHES "\\.a$" AND NOT EXISTS "${lib}")
      set(complete FALSE)
    endif()
  endforeach()
  if(NOT D_STATIC OR NOT complete)
    target_link_libraries(${target} PRIVATE ${D_SHARED})
    return()
  endif()
  foreach(lib IN LISTS D_SHARED)
    target_link_libraries(${target} PRIVATE "$<$<NOT:${HEATNET_STATIC_DEPS_ON}>:${lib}>")
  endforeach()
  foreach(lib IN LISTS D_STATIC)
    target_link_libraries(${target} PRIVATE "$<${HEATNET_STATIC_DEPS_ON}:${lib}>")
  endforeach()
endfunction()

# The archive next to each shared library of `libs` (lib<name>.so -> lib<name>.a), in `out`;
# empty when one is missing. The C library's parts (libm, libdl, libpthread, librt) and entries
# that are not .so files stay as they are: glibc is always linked dynamically.
function(heatnet_static_twins out)
  set(result)
  foreach(lib IN LISTS ARGN)
    if(lib MATCHES "\\.so(\\.[0-9.]+)?$" AND NOT lib MATCHES "/lib(m|dl|pthread|rt|c)\\.so")
      string(REGEX REPLACE "\\.so(\\.[0-9.]+)?$" ".a" archive "${lib}")
      if(NOT EXISTS "${archive}")
        set(${out} "" PARENT_SCOPE)
        return()
      endif()
      list(APPEND result "${archive}")
    else()
      list(APPEND result "${lib}")
    endif()
  endforeach()
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

# A static library the C++ compiler ships (libgfortran.a, libquadmath.a), or "" if none.
function(heatnet_compiler_archive name out)
  execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=${name}
                  OUTPUT_VARIABLE path OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(IS_ABSOLUTE "${path}" AND EXISTS "${path}")
    set(${out} "${path}" PARENT_SCOPE)
  else()
    set(${out} "" PARENT_SCOPE)
  endif()
endfunction()
