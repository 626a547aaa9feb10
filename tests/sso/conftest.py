from tests.sso.fixtures import (  # noqa: F401
    anytown_idp,
    anytown_provider,
    fresh_discovery,
    otherton_idp,
    otherton_provider,
    start_provider,
)
