"""The tests' certificate authority (trustme) and a server certificate for "localhost" only."""

from __future__ import annotations

import functools
import ssl

import trustme


@functools.cache
def certificate_authority() -> trustme.CA:
    """One CA for the whole test session."""
    return trustme.CA()


@functools.cache
def localhost_cert() -> trustme.LeafCert:
    """The servers' certificate: valid for "localhost" and nothing else."""
    return certificate_authority().issue_cert("localhost")


def client_context() -> ssl.SSLContext:
    """A client context that verifies against the test CA (and only it)."""
    context = ssl.create_default_context(
        ssl.Purpose.SERVER_AUTH, cadata=certificate_authority().cert_pem.bytes().decode("ascii")
    )
    return context


def server_context() -> ssl.SSLContext:
    """A server context presenting :func:`localhost_cert`."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    localhost_cert().configure_cert(context)
    return context
