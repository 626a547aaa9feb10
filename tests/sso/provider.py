"""A real OpenID Connect provider on a loopback port, for the single sign-on tests.

It serves discovery, its signing keys (JWKS), an authorization endpoint that consents at once for
the person the test chose, and a token endpoint that checks the client's id and secret, the code
(once only), the redirect URI and the PKCE verifier, then issues an RS256-signed ID token. Tests
turn its knobs: who the person is (`person`), claims changed in the tokens it signs
(`token_changes`: a wrong audience, an expiry in the past, another issuer), a refusal at the
authorization endpoint (`deny`), or a key of its own to sign with (`forge_with`).
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs, unquote, urlencode, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import requests
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

DELETE = object()  # a token_changes value: leave the claim out


def new_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(
        2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"}, private=True
    )


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class Provider:
    def __init__(self, *, client_id="tracker-site", client_secret=None):
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_urlsafe(24)
        self.key = new_key("key-1")
        self.person = {"sub": "subject-1", "email": "", "email_verified": True}
        self.token_changes: dict = {}
        self.deny = False
        self.forge_with: RSAKey | None = None
        self.client_auth_methods = ["client_secret_basic", "client_secret_post"]
        self.client_auth_seen: list[str] = []
        self.codes: dict = {}
        self.authorization_requests: list[dict] = []
        self.token_requests = 0
        self._server = make_server(
            "127.0.0.1", 0, self._app, server_class=_Server, handler_class=_Quiet
        )
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> "Provider":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def sign_in_as(self, *, sub, email, email_verified=True, **claims) -> None:
        self.person = {"sub": sub, "email": email, "email_verified": email_verified, **claims}

    # --- the endpoints ---------------------------------------------------------------------

    def _app(self, environ, start_response):
        path = environ["PATH_INFO"]
        routes = {
            "/.well-known/openid-configuration": self._discovery,
            "/jwks": self._jwks,
            "/authorize": self._authorize,
            "/token": self._token,
        }
        handler = routes.get(path)
        if handler is None:
            return self._json(start_response, "404 Not Found", {"error": "not_found"})
        return handler(environ, start_response)

    @staticmethod
    def _json(start_response, status, body):
        data = json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json")])
        return [data]

    def _discovery(self, environ, start_response):
        return self._json(
            start_response,
            "200 OK",
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": self.client_auth_methods,
            },
        )

    def _jwks(self, environ, start_response):
        return self._json(start_response, "200 OK", KeySet([self.key]).as_dict(private=False))

    def _authorize(self, environ, start_response):
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        self.authorization_requests.append(query)
        problems = [
            query.get("response_type") != "code",
            query.get("client_id") != self.client_id,
            "openid" not in query.get("scope", "").split(),
            query.get("code_challenge_method") != "S256",
            not query.get("code_challenge"),
            not query.get("redirect_uri"),
        ]
        if any(problems):
            return self._json(start_response, "400 Bad Request", {"error": "invalid_request"})
        answer = {"state": query.get("state", "")}
        if self.deny:
            answer["error"] = "access_denied"
        else:
            code = secrets.token_urlsafe(24)
            self.codes[code] = {
                "redirect_uri": query["redirect_uri"],
                "challenge": query["code_challenge"],
                "nonce": query.get("nonce"),
                "person": dict(self.person),
            }
            answer["code"] = code
        location = f"{query['redirect_uri']}?{urlencode(answer)}"
        start_response("302 Found", [("Location", location)])
        return [b""]

    def _client_is_known(self, environ, form) -> bool:
        header = environ.get("HTTP_AUTHORIZATION", "")
        if header.startswith("Basic ") and "client_secret_basic" in self.client_auth_methods:
            self.client_auth_seen.append("client_secret_basic")
            decoded = base64.b64decode(header[6:]).decode()
            client_id, _, secret = decoded.partition(":")
            client_id, secret = unquote(client_id), unquote(secret)
        elif "client_secret_post" in self.client_auth_methods:
            self.client_auth_seen.append("client_secret_post")
            client_id, secret = form.get("client_id"), form.get("client_secret")
        else:
            return False
        return client_id == self.client_id and secret == self.client_secret

    def _token(self, environ, start_response):
        self.token_requests += 1
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length).decode()
        form = {k: v[0] for k, v in parse_qs(body).items()}
        if not self._client_is_known(environ, form):
            return self._json(start_response, "401 Unauthorized", {"error": "invalid_client"})
        grant = self.codes.pop(form.get("code", ""), None)
        verifier = form.get("code_verifier", "")
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if (
            form.get("grant_type") != "authorization_code"
            or grant is None
            or form.get("redirect_uri") != grant["redirect_uri"]
            or challenge != grant["challenge"]
        ):
            return self._json(start_response, "400 Bad Request", {"error": "invalid_grant"})
        return self._json(
            start_response,
            "200 OK",
            {
                "access_token": secrets.token_urlsafe(24),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self.id_token(grant["person"], nonce=grant["nonce"]),
            },
        )

    def id_token(self, person: dict, *, nonce: str | None) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            **person,
        }
        for name, value in self.token_changes.items():
            if value is DELETE:
                claims.pop(name, None)
            else:
                claims[name] = value
        key = self.forge_with or self.key
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)


def follow_to_provider_and_back(client, response):
    """From the site's redirect to the provider, through the provider's consent, back to the
    site's callback: the callback's response, as the person's browser would get it."""
    assert response.status_code == 302, response.content.decode()[:500]
    at_provider = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["Location"])
    return client.get(f"{back.path}?{back.query}")
