# SPDX-License-Identifier: GPL-3.0-or-later
# Builds docs/plugin-template out of tree, the way a plugin author would:
#   1. installs the "sdk" component of this build into WORK_DIR/prefix,
#   2. configures the template with CMAKE_PREFIX_PATH=WORK_DIR/prefix,
#   3. builds it and checks the plugin file exists.
# Everything goes under WORK_DIR, which is emptied first. Run by the plugin_template_builds test:
#   cmake -DFASTMAP_BINARY_DIR=<build> -DTEMPLATE_SOURCE_DIR=<docs/plugin-template>
#         -DWORK_DIR=<build>/plugin-template-test -DPLUGIN_FILE_NAME=my_function.so
#         [-DGENERATOR=...] [-DMAKE_PROGRAM=...] [-DCXX_COMPILER=...] [-DCXX_FLAGS=...] [-DQt6_DIR=...]
#         -P BuildPluginTemplate.cmake
cmake_minimum_required(VERSION 3.21)

foreach(var FASTMAP_BINARY_DIR TEMPLATE_SOURCE_DIR WORK_DIR PLUGIN_FILE_NAME)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "BuildPluginTemplate.cmake: -D${var}=... is required")
  endif()
endforeach()

function(run_step description)
  message(STATUS "${description}: ${ARGN}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${description} failed (${result}):\n${output}")
  endif()
endfunction()

set(prefix "${WORK_DIR}/prefix")
set(build "${WORK_DIR}/build")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

run_step("Installing the SDK"
  "${CMAKE_COMMAND}" --install "${FASTMAP_BINARY_DIR}" --component sdk --prefix "${prefix}")
file(GLOB_RECURSE sdk_headers "${prefix}/include/fastmap/*.h")
file(GLOB_RECURSE sdk_configs "${prefix}/*/FastmapSDKConfig.cmake")
if(NOT sdk_headers OR NOT sdk_configs)
  message(FATAL_ERROR "the sdk component did not install headers and FastmapSDKConfig.cmake into ${prefix}")
endif()

set(configure_args -S "${TEMPLATE_SOURCE_DIR}" -B "${build}"
  -DCMAKE_BUILD_TYPE=Release
  "-DCMAKE_PREFIX_PATH=${prefix}"
  # Only the freshly installed SDK may satisfy find_package(FastmapSDK).
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
if(GENERATOR)
  list(APPEND configure_args -G "${GENERATOR}")
endif()
if(MAKE_PROGRAM)
  list(APPEND configure_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
if(CXX_COMPILER)
  list(APPEND configure_args "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
endif()
if(CXX_FLAGS)
  list(APPEND configure_args "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}")
endif()
if(Qt6_DIR)
  list(APPEND configure_args "-DQt6_DIR=${Qt6_DIR}")
endif()
run_step("Configuring the template" "${CMAKE_COMMAND}" ${configure_args})

# Make sure the SDK came from the temporary prefix, not from some other installation.
file(STRINGS "${build}/CMakeCache.txt" sdk_dir_line REGEX "^FastmapSDK_DIR:")
string(REGEX REPLACE "^FastmapSDK_DIR:[A-Z]+=" "" sdk_dir "${sdk_dir_line}")
file(REAL_PATH "${prefix}" real_prefix)
file(REAL_PATH "${sdk_dir}" real_sdk_dir)
string(FIND "${real_sdk_dir}/" "${real_prefix}/" at)
if(NOT at EQUAL 0)
  message(FATAL_ERROR "the template found FastmapSDK in '${sdk_dir}', not under '${prefix}'")
endif()

run_step("Building the template" "${CMAKE_COMMAND}" --build "${build}" --parallel 2)

if(NOT EXISTS "${build}/${PLUGIN_FILE_NAME}")
  message(FATAL_ERROR "the template build did not produce ${build}/${PLUGIN_FILE_NAME}")
endif()
message(STATUS "Built ${build}/${PLUGIN_FILE_NAME}")
