# Included by the Kafka sink's and source's CMakeLists.txt: defines pyrolog_kafka_common once.
if(NOT TARGET pyrolog_kafka_common)
  add_subdirectory(${CMAKE_CURRENT_LIST_DIR} ${CMAKE_BINARY_DIR}/plugins/common/kafka)
endif()
