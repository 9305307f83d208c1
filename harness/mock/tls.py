"""The per-run certificate authority, the mock's server certificate, and one certificate per host.

A fresh CA is made for every run (nothing is ever installed system-wide); runners trust it
through `SSL_CERT_FILE`, `REQUESTS_CA_BUNDLE`, `NODE_EXTRA_CA_CERTS`, `CURL_CA_BUNDLE` or a
proxy's `--cacert`. The server certificate names every API host plus localhost and 127.0.0.1;
any other host a client asks for by SNI (a simulated origin) gets a certificate of its own, issued
by the same CA on first use and kept for the run. The CA's key stays in memory.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import ssl
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_VALIDITY = datetime.timedelta(days=2)
_PEM = serialization.Encoding.PEM


@dataclass(frozen=True)
class CertificateFiles:
    """Where the run's PEM files were written."""

    ca_file: Path
    """The CA certificate: what clients must trust."""
    cert_file: Path
    """The leaf certificate followed by the CA (the chain the server presents)."""
    key_file: Path
    """The leaf's private key (never leaves the state dir)."""


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "docs-snippet harness"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
        ]
    )


def _alt_names(hosts: Iterable[str]) -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = []
    for host in dict.fromkeys(hosts):
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return names


def _key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False, key_encipherment=False,
        data_encipherment=False, key_agreement=False, encipher_only=False, decipher_only=False,
    )


class CertificateAuthority:
    """The run's CA: its certificate and key (in memory), and the certificates it issues."""

    def __init__(self) -> None:
        self.not_before = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.name = _name("docs-snippet harness run CA")
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(self.name)
            .issuer_name(self.name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.not_before)
            .not_valid_after(self.not_before + _VALIDITY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_key_usage(), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )

    def issue(self, hosts: list[str], cert_file: Path, key_file: Path) -> None:
        """Writes a server certificate for `hosts` (the chain: leaf, then CA) and its key."""
        leaf_key = ec.generate_private_key(ec.SECP256R1())
        leaf = (
            x509.CertificateBuilder()
            .subject_name(_name(hosts[0] if hosts else "localhost"))
            .issuer_name(self.name)
            .public_key(leaf_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.not_before)
            .not_valid_after(self.not_before + _VALIDITY)
            .add_extension(x509.SubjectAlternativeName(_alt_names(hosts)), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        cert_file.write_bytes(leaf.public_bytes(_PEM) + self.certificate.public_bytes(_PEM))
        key_file.touch(mode=0o600)
        private = serialization.PrivateFormat.PKCS8
        key_file.write_bytes(leaf_key.private_bytes(_PEM, private, serialization.NoEncryption()))


def make_certificates(directory: Path, hosts: Iterable[str]) -> CertificateFiles:
    """Creates a CA and a leaf certificate for `hosts`, writes them as PEM into `directory`."""
    return HostCertificates(directory, hosts).files


class HostCertificates:
    """The run's CA, its server certificate for the API hosts, and a TLS context for any other host."""

    def __init__(self, directory: Path, hosts: Iterable[str]) -> None:
        self.directory = directory
        self.authority = CertificateAuthority()
        directory.mkdir(parents=True, exist_ok=True)
        self.files = CertificateFiles(directory / "ca.pem", directory / "server.pem", directory / "server.key")
        self.files.ca_file.write_bytes(self.authority.certificate.public_bytes(_PEM))
        self.hosts = frozenset(h.lower() for h in [*hosts, "localhost", "127.0.0.1"])
        self.authority.issue([*dict.fromkeys([*hosts, "localhost", "127.0.0.1"])], self.files.cert_file,
                             self.files.key_file)
        self._lock = threading.Lock()
        self._contexts: dict[str, ssl.SSLContext] = {}

    def context(self) -> ssl.SSLContext:
        """The server context: the API hosts' certificate, and by SNI a certificate for any other host."""
        context = _context(self.files.cert_file, self.files.key_file)
        context.sni_callback = self._select
        return context

    def for_host(self, host: str) -> ssl.SSLContext | None:
        """A context presenting a certificate for `host` (issued on first use), None for an API host."""
        host = host.lower().rstrip(".")
        if host in self.hosts:
            return None
        with self._lock:
            if host not in self._contexts:
                stem = hashlib.sha256(host.encode()).hexdigest()[:20]
                folder = self.directory / "hosts"
                folder.mkdir(exist_ok=True)
                cert_file, key_file = folder / f"{stem}.pem", folder / f"{stem}.key"
                self.authority.issue([host], cert_file, key_file)
                self._contexts[host] = _context(cert_file, key_file)
            return self._contexts[host]

    def _select(self, connection: ssl.SSLObject | ssl.SSLSocket, server_name: str | None, _: ssl.SSLContext) -> None:
        if not server_name:
            return
        try:
            chosen = self.for_host(server_name)
        except ValueError:  # a name no certificate can carry: the default one it is
            return
        if chosen is not None:
            connection.context = chosen


def _context(cert_file: Path, key_file: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_file, key_file)
    context.set_alpn_protocols(["http/1.1"])
    return context


def server_context(files: CertificateFiles) -> ssl.SSLContext:
    """A server-side TLS context presenting the leaf certificate only (HTTP/1.1 only)."""
    return _context(files.cert_file, files.key_file)
