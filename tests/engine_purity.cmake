# Fails when engine/ reads a clock, opens a socket, starts a thread or calls rand():
# the engine is sans-IO and deterministic (architecture rule; see engine/engine.h).
file(GLOB_RECURSE sources "${ENGINE_DIR}/*.h" "${ENGINE_DIR}/*.cc")
# <chrono> itself is allowed: engine time is a std::chrono duration. Reading a clock
# (`::now(`) is not.
set(forbidden
  "::now(" "steady_clock" "system_clock" "high_resolution_clock"
  "<thread>" "std::thread" "std::async" "<future>" "pthread" "sleep_for"
  "std::rand" "rand(" "srand(" "random_device" "<random>" "time(nullptr)" "time(NULL)"
  "gettimeofday" "clock_gettime" "<sys/socket.h>" "boost/asio" "<fstream>" "<iostream>" "fopen(")
set(found "")
foreach(f ${sources})
  file(READ "${f}" text)
  foreach(word ${forbidden})
    string(FIND "${text}" "${word}" at)
    if(NOT at EQUAL -1)
      list(APPEND found "${f}: ${word}")
    endif()
  endforeach()
endforeach()
list(LENGTH sources n)
if(n LESS 10)
  message(FATAL_ERROR "engine purity check found only ${n} engine sources in ${ENGINE_DIR}")
endif()
if(found)
  string(REPLACE ";" "\n  " lines "${found}")
  message(FATAL_ERROR "engine/ must stay sans-IO; found:\n  ${lines}")
endif()
message(STATUS "engine purity: ${n} files clean")
