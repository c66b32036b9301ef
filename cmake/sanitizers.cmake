if(PYROLOG_SANITIZE)
  message(STATUS "Sanitizers: ${PYROLOG_SANITIZE}")
  add_compile_options(-fsanitize=${PYROLOG_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${PYROLOG_SANITIZE})
  if(PYROLOG_SANITIZE STREQUAL "thread" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC warns that TSan does not model std::atomic_thread_fence, which Boost.Asio's handler completion uses;
    # the handoffs between threads go through the scheduler's mutex, which TSan does see.
    add_compile_options(-Wno-tsan)
  endif()
endif()
