"""Test-session environment: production-like settings without TLS or a manifest.

Set before Django reads memorial/settings.py, so the suite runs with DEBUG off (as in
production) but without an HTTPS redirect and with media in a throw-away folder.
"""

import os
import tempfile

os.environ.setdefault(
    "SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789"
)
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="memorial-test-media-")
