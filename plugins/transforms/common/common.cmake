# Included by every transform's CMakeLists.txt: defines pyrolog_transform_common once.
if(NOT TARGET pyrolog_transform_common)
  add_subdirectory(${CMAKE_CURRENT_LIST_DIR} ${CMAKE_BINARY_DIR}/plugins/transforms/common)
endif()
