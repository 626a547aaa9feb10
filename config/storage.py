"""Static files storage for production (DEBUG off)."""

import logging

from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class ProductionStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed, hashed storage that never turns a missing file into a 500.

    Django's manifest storage raises ValueError from `{% static %}` for any name the manifest
    lacks, so a deploy that forgot `collectstatic` (or a manifest older than the code) made every
    page a 500, error pages included. `manifest_strict = False` alone does not help: it then
    hashes the file from STATIC_ROOT on every call, and still raises when the file is not there.
    Instead a missing entry is linked by its plain name: WhiteNoise serves it if the file is in
    STATIC_ROOT, and at worst the page is unstyled but readable. `check --deploy` warns when
    STATIC_ROOT has no manifest (config/checks.py) and `make serve` always collects first.
    """

    manifest_strict = True  # fail fast inside the parent; the fallback below decides

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._reported_missing: set[str] = set()

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:
            if name not in self._reported_missing:
                self._reported_missing.add(name)
                logger.warning(
                    "Static file %r is not in the manifest; linking it unversioned. "
                    "Run `manage.py collectstatic --no-input`.",
                    name,
                )
            return name
