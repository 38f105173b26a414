// The /docs page's static files (Swagger UI from the pinned npm package swagger-ui-dist),
// embedded in the binary at build time: the page works offline and the package needs no
// data directory.
#pragma once

#include <string_view>

namespace taskcore::server::docs_assets {

std::string_view swagger_ui_bundle_js();
std::string_view swagger_ui_css();
std::string_view favicon_png();
// The embedded package's version (cache-busting query of the asset URLs).
std::string_view swagger_ui_version();

}  // namespace taskcore::server::docs_assets
