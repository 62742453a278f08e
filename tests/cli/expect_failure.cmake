# cmake -DCMD=<umbra> -DARGS="info;file" -DEXPECT=<regex> -P expect_failure.cmake
# Passes when the command exits non-zero and its stderr matches EXPECT.
execute_process(COMMAND ${CMD} ${ARGS} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "expected a non-zero exit, got 0; stdout: ${out}")
endif()
if(NOT err MATCHES "${EXPECT}")
  message(FATAL_ERROR "exit ${rc}, but stderr does not match '${EXPECT}': ${err}")
endif()
message(STATUS "exit ${rc}: ${err}")
