# Warning and sanitizer settings as INTERFACE targets, linked PRIVATE so they never leak to consumers.
add_library(taskcore_warnings INTERFACE)
target_compile_options(taskcore_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow -Wnon-virtual-dtor
    -Wno-missing-field-initializers -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough
    $<$<BOOL:${TASKCORE_WARNINGS_AS_ERRORS}>:-Werror>)

add_library(taskcore_sanitizers INTERFACE)
if(TASKCORE_FUZZ)
    # Coverage for libFuzzer in every library; the fuzz targets link the fuzzer runtime.
    target_compile_options(taskcore_sanitizers INTERFACE -fsanitize=fuzzer-no-link)
endif()
if(TASKCORE_SANITIZE)
    target_compile_options(taskcore_sanitizers INTERFACE
        -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(taskcore_sanitizers INTERFACE -fsanitize=address,undefined)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
        # clang 14's UBSan "function" check cannot compile C++20 coroutines ("Cannot represent a
        # difference across sections"); every other check stays on.
        target_compile_options(taskcore_sanitizers INTERFACE -fno-sanitize=function)
    endif()
endif()


# Test code: what the tests are built with. The sanitizers instrument the code that ships (the
# library, the server); test code only links their runtime, since instrumenting it (Catch2,
# Beast clients) tripled its compile time and found only test bugs. For the same reason, optimised
# trees build test code at -O1 (it is not what is measured: scripts/bench.sh has its own tree).
add_library(taskcore_test_build INTERFACE)
if(TASKCORE_SANITIZE)
    target_link_options(taskcore_test_build INTERFACE -fsanitize=address,undefined)
endif()
if(NOT CMAKE_BUILD_TYPE STREQUAL "Debug")
    target_compile_options(taskcore_test_build INTERFACE -O1)
endif()
