# Included by the syslog and tcp sources' CMakeLists.txt: defines pyrolog_stream_input once.
if(NOT TARGET pyrolog_stream_input)
  add_subdirectory(${CMAKE_CURRENT_LIST_DIR} ${CMAKE_BINARY_DIR}/plugins/common/stream_input)
endif()
