// Embeds the Swagger UI files with the assembler's .incbin (no multi-megabyte generated source;
// CMake re-compiles this file when an asset changes, see OBJECT_DEPENDS in server/CMakeLists.txt).
#include "ops/docs_assets.hpp"

#ifndef TASKCORE_DOCS_UI_DIR
#error "TASKCORE_DOCS_UI_DIR must name the swagger-ui-dist directory"
#endif

// One embedded file: symbols NAME and NAME_end around its bytes, hidden, read-only. (Token
// pasting and stringizing leave nothing to parenthesise.)
// NOLINTBEGIN(bugprone-macro-parentheses)
#define TASKCORE_EMBED(name, file)                            \
    __asm__(                                                  \
        ".section .rodata\n"                                  \
        ".balign 16\n"                                        \
        ".hidden " #name "\n.globl " #name "\n" #name         \
        ":\n"                                                 \
        ".incbin \"" TASKCORE_DOCS_UI_DIR "/" file            \
        "\"\n"                                                \
        ".hidden " #name "_end\n.globl " #name "_end\n" #name \
        "_end:\n"                                             \
        ".byte 0\n"                                           \
        ".previous\n");                                       \
    extern "C" const char name[];                             \
    extern "C" const char name##_end[]

TASKCORE_EMBED(taskcore_swagger_ui_bundle_js, "swagger-ui-bundle.js");
TASKCORE_EMBED(taskcore_swagger_ui_css, "swagger-ui.css");
TASKCORE_EMBED(taskcore_swagger_favicon_png, "favicon-32x32.png");
// NOLINTEND(bugprone-macro-parentheses)

namespace taskcore::server::docs_assets {
namespace {

std::string_view between(const char* begin, const char* end) {
    return {begin, static_cast<std::size_t>(end - begin)};
}

}  // namespace

std::string_view swagger_ui_bundle_js() {
    return between(taskcore_swagger_ui_bundle_js, taskcore_swagger_ui_bundle_js_end);
}
std::string_view swagger_ui_css() {
    return between(taskcore_swagger_ui_css, taskcore_swagger_ui_css_end);
}
std::string_view favicon_png() {
    return between(taskcore_swagger_favicon_png, taskcore_swagger_favicon_png_end);
}
std::string_view swagger_ui_version() {
    return TASKCORE_SWAGGER_UI_VERSION;
}

}  // namespace taskcore::server::docs_assets
