# Fails when the sans-IO part of media/ (decoding, RTP, the stream scheduler) reads a
# clock, opens a socket, starts a thread or draws from the OS: only rtp_sender.* does
# I/O, and streams must replay from their seed (architecture rule; media/README.md).
file(GLOB sources "${MEDIA_DIR}/*.h" "${MEDIA_DIR}/*.cc" "${MEDIA_DIR}/detail/*.h" "${MEDIA_DIR}/detail/*.cc")
list(FILTER sources EXCLUDE REGEX "/rtp_sender\\.(h|cc)$")
set(forbidden
  "steady_clock" "system_clock" "high_resolution_clock" "clock_gettime" "gettimeofday"
  "time(nullptr)" "time(NULL)" "<thread>" "std::thread" "std::async" "<future>" "pthread"
  "sleep_for" "random_device" "std::rand" "srand(" "<sys/socket.h>" "sendmsg" "sendto"
  "boost/asio" "<fstream>" "fopen(" "sf_open(")
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
if(n LESS 15)
  message(FATAL_ERROR "media purity check found only ${n} sources in ${MEDIA_DIR}")
endif()
if(found)
  string(REPLACE ";" "\n  " lines "${found}")
  message(FATAL_ERROR "media/ outside rtp_sender must stay sans-IO; found:\n  ${lines}")
endif()
message(STATUS "media purity: ${n} files clean")
