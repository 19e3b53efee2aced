# Compiles the check GoldenpathHeaderChecks.cmake generates for one header, outside a build: the
# self-test that the check reports what it must. Exits non-zero and says why when it fails.
#   cmake -DCOMPILER=c++ -DHEADER=goldenpath/x.hpp -DINCLUDE_DIRS="a;b" -DOUT_DIR=dir
#         -P check_header_self_contained.cmake
foreach(required IN ITEMS COMPILER HEADER INCLUDE_DIRS OUT_DIR)
    if(NOT ${required})
        message(FATAL_ERROR "check_header_self_contained: ${required} is empty")
    endif()
endforeach()
include(${CMAKE_CURRENT_LIST_DIR}/GoldenpathHeaderChecks.cmake)
string(REGEX REPLACE "[/.]" "_" stem "${HEADER}")
set(source "${OUT_DIR}/${stem}.cpp")
file(MAKE_DIRECTORY "${OUT_DIR}")
goldenpath_write_header_check("${source}" "${HEADER}")
set(includes "")
foreach(dir IN LISTS INCLUDE_DIRS)
    list(APPEND includes "-I${dir}")
endforeach()
execute_process(COMMAND ${COMPILER} -std=c++20 -fsyntax-only ${includes} ${source}
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 20)
if(NOT result EQUAL 0)
    if(err MATCHES "pulls in Boost")
        message(FATAL_ERROR "${HEADER} pulls in Boost:\n${err}")
    endif()
    message(FATAL_ERROR "${HEADER} does not compile on its own:\n${err}")
endif()
message(STATUS "${HEADER} compiles on its own and includes no Boost")
