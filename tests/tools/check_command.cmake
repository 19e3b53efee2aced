# Runs COMMAND (arguments joined by "|") and checks its exit code and output, for command-line contract tests.
#   cmake -DCOMMAND="a|b" -DEXPECT_EXIT=1 [-DEXPECT_OUTPUT=regex] [-DREJECT_OUTPUT=regex] -P check_command.cmake
string(REPLACE "|" ";" COMMAND "${COMMAND}")
execute_process(COMMAND ${COMMAND}
    RESULT_VARIABLE exit_code
    OUTPUT_VARIABLE out
    ERROR_VARIABLE err
    TIMEOUT 20)
set(all "${out}${err}")
if(NOT "${exit_code}" STREQUAL "${EXPECT_EXIT}")
    message(FATAL_ERROR "expected exit ${EXPECT_EXIT}, got ${exit_code}\noutput:\n${all}")
endif()
if(DEFINED EXPECT_OUTPUT AND NOT all MATCHES "${EXPECT_OUTPUT}")
    message(FATAL_ERROR "expected output matching '${EXPECT_OUTPUT}'\noutput:\n${all}")
endif()
if(DEFINED REJECT_OUTPUT AND all MATCHES "${REJECT_OUTPUT}")
    message(FATAL_ERROR "output must not match '${REJECT_OUTPUT}'\noutput:\n${all}")
endif()
message(STATUS "exit ${exit_code} as expected\n${all}")
