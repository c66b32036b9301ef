# Included by every transform test folder: defines the shared test helpers once.
if(NOT TARGET pyrolog_transform_test_support)
  find_package(GTest REQUIRED)
  include(GoogleTest)
  add_library(pyrolog_transform_test_support STATIC ${CMAKE_CURRENT_LIST_DIR}/transform_test_support.cc)
  target_include_directories(pyrolog_transform_test_support PUBLIC ${CMAKE_CURRENT_LIST_DIR})
  target_link_libraries(pyrolog_transform_test_support PUBLIC pyrolog_core GTest::gtest yaml-cpp)
endif()
