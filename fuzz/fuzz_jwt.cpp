// Compact JWS/JWT strings -> the verifier with both modes configured (HS256 and a JWKS key).
// Invariants: no crash; an accepted token names a valid user id.
#include <cstdlib>

#include "taskcore/auth/jwt_verifier.hpp"
#include "taskcore/domain/validation.hpp"

using namespace taskcore;

namespace {

// RFC 8037 A.2's Ed25519 public key.
constexpr const char* kJwks = R"({"keys":[{"kty":"OKP","crv":"Ed25519","kid":"k1","alg":"EdDSA",)"
                              R"("x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const JwtVerifier verifier(std::string("fuzz-secret-of-at-least-thirty-two-bytes!!"),
                                      std::make_shared<StaticKeySource>(JwkSet::parse(kJwks)),
                                      JwtOptions{});
    const std::string_view token(reinterpret_cast<const char*>(data), size);
    const auto result = verifier.verify(token);
    if (result.ok() && !rules::is_valid_user_id(result.user_id)) std::abort();
    return 0;
}
