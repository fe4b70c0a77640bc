# SPDX-License-Identifier: GPL-3.0-or-later
# fastmap_add_plugin(<target> SOURCES ... [OUTPUT_DIRECTORY dir] [NO_INSTALL])
# Builds a function plugin as a MODULE library against the SDK.
function(fastmap_add_plugin target)
  cmake_parse_arguments(ARG "NO_INSTALL" "OUTPUT_DIRECTORY" "SOURCES" ${ARGN})
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE Fastmap::SDK)
  if(NOT ARG_OUTPUT_DIRECTORY)
    set(ARG_OUTPUT_DIRECTORY ${FASTMAP_PLUGIN_BUILD_DIR})
  endif()
  set_target_properties(${target} PROPERTIES
    LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY}
    PREFIX "")
  if(NOT ARG_NO_INSTALL)
    install(TARGETS ${target} LIBRARY DESTINATION ${FASTMAP_PLUGIN_INSTALL_DIR} COMPONENT plugins)
  endif()
endfunction()
