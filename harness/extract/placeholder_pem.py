"""A certificate and its private key for a page that tells the reader to put theirs in a variable
(`$MYCERT`, `$MYKEY`, `<CERTIFICATE>`): a real self-signed PEM, so that whatever the snippet does with it
(echo it, send it to the custom-certificate API, parse it with openssl) sees a certificate, not a word.

Made with `cryptography` (as the mock's CA is), deterministically: an EC P-256 key from a fixed
scalar, a fixed serial number and validity, and RFC 6979 signatures. The same value on every run, so the
result cache and the report's masking (which shows the placeholder, never the value) stay stable. It is
written as the pages ask for it, on one line with its newlines as `\\n`.
"""

from __future__ import annotations

import datetime
import re
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

_SCALAR = int.from_bytes(b"docs-snippet-harness reader cert", "big")
_CERT = re.compile(r"(?:^|_|my|tls|ssl|custom|server|client)(?:cert|certificate)(?:_?pem)?$")
_KEY = re.compile(r"^(?:my|tls|ssl|custom|server|client|private)_?(?:private_?)?key(?:_?pem)?$")


@cache
def _pair() -> tuple[str, str]:
    key = ec.derive_private_key(_SCALAR, ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "app.example.com")])
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(0x5EED).not_valid_before(start).not_valid_after(start + datetime.timedelta(days=3650))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("app.example.com")]), critical=False)
            .sign(key, hashes.SHA256(), ecdsa_deterministic=True))
    cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    return cert_pem, key_pem


def pem_value(name: str) -> str | None:
    """The certificate or private key a variable or placeholder named like one gets (one line, `\\n`
    for its newlines), else None (`$API_KEY` is no private key)."""
    bare = name.strip("<>{}$").lower()
    if _CERT.search(bare):
        return _pair()[0].strip().replace("\n", "\\n")
    if _KEY.match(bare):
        return _pair()[1].strip().replace("\n", "\\n")
    return None
