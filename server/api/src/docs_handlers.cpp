// The /docs page: a small HTML shell, its start-up script and the embedded Swagger UI files.
#include "api/docs_handlers.hpp"

#include "http/error_catalogue.hpp"
#include "ops/docs_assets.hpp"
#include "taskcore/version.hpp"

namespace taskcore::server::handlers {
namespace {

// Asset URLs carry the versions, so browsers may keep them for a year; the page itself is
// revalidated, so a new build's page points at the new assets at once.
constexpr const char* kImmutable = "public, max-age=31536000, immutable";

void require_enabled(const RequestContext& ctx) {
    if (!ctx.resources.config.docs_enabled) throw ApiError(ErrorCode::not_found, "no such route");
}

std::string version_query() {
    return "?v=" + std::string(docs_assets::swagger_ui_version()) + "-" + std::string(kVersion);
}

// Where Swagger UI's files come from: DOCS_ASSETS_URL (e.g. a CDN), else this server.
std::string assets_base(const Config& config) {
    return config.docs_assets_url.value_or("/docs");
}

Response file(std::string_view body, std::string_view content_type, const char* cache) {
    Response res{http::status::ok, 11};
    res.set(http::field::content_type, content_type);
    res.set(http::field::cache_control, cache);
    res.body() = std::string(body);
    return res;
}

// Swagger UI's start-up, as a file rather than an inline script so the page's CSP can forbid
// inline scripts.
std::string_view init_script() {
    return R"js(// taskcore /docs: Swagger UI over this server's OpenAPI document.
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: true,
  tryItOutEnabled: true,
  displayRequestDuration: true,
  displayOperationId: true,
});
)js";
}

}  // namespace

Awaitable<Response> docs_page(RequestContext& ctx) {
    require_enabled(ctx);
    const auto& config = ctx.resources.config;
    const auto base = assets_base(config);
    const auto v = version_query();
    std::string html = R"(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>taskcore API</title>
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png)" +
                       v + R"(">
<link rel="stylesheet" href=")" +
                       base + "/swagger-ui.css" + v + R"(">
</head>
<body>
<div id="swagger-ui"></div>
<script src=")" + base +
                       "/swagger-ui-bundle.js" + v + R"("></script>
<script src="/docs/init.js)" +
                       v +
                       R"("></script>
</body>
</html>
)";
    auto res = file(html, "text/html; charset=utf-8", "no-cache");
    // Swagger UI styles elements inline and uses data: images; scripts only from the files.
    const std::string external = config.docs_assets_url ? " " + *config.docs_assets_url : "";
    res.set("Content-Security-Policy",
            "default-src 'self'" + external + "; script-src 'self'" + external +
                "; style-src 'self' 'unsafe-inline'" + external + "; img-src 'self' data:" +
                external + "; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'");
    co_return res;
}

Awaitable<Response> docs_asset(RequestContext& ctx) {
    require_enabled(ctx);
    const std::string_view path = ctx.match.route->path;
    if (path.ends_with("/init.js")) {
        co_return file(init_script(), "text/javascript; charset=utf-8", kImmutable);
    }
    if (path.ends_with(".css")) {
        co_return file(docs_assets::swagger_ui_css(), "text/css; charset=utf-8", kImmutable);
    }
    if (path.ends_with(".png")) co_return file(docs_assets::favicon_png(), "image/png", kImmutable);
    co_return file(docs_assets::swagger_ui_bundle_js(), "text/javascript; charset=utf-8",
                   kImmutable);
}

}  // namespace taskcore::server::handlers
