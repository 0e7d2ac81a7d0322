"""A SPIFFE Workload API client: fetch and watch this process's X509-SVID, get JWT-SVIDs.

It checks what it receives the way go-spiffe's workloadapi client does before using it
(x509svid.ParseRaw, jwtsvid.ParseInsecure), and keeps the current SVID as files that
Python's ssl module loads. Needs grpcio and cryptography (Debian: python3-grpcio,
python3-cryptography) and stubs generated from the standard workload.proto (see README).
"""
import base64
import json
import os
import sys
import tempfile
import threading
import time

import grpc
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from spiffe.workload import workload_pb2, workload_pb2_grpc

# Workload Endpoint 3: every call carries this header.
HEADER = (("workload.spiffe.io", "true"),)
# Workload Endpoint 6: retry these with a backoff; INVALID_ARGUMENT and UNIMPLEMENTED are bugs.
RETRYABLE = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.PERMISSION_DENIED}
PEM, DER = serialization.Encoding.PEM, serialization.Encoding.DER


class SvidError(Exception):
    pass


class X509Svid:
    """One checked X509-SVID, written to a private directory as PEM files."""

    def __init__(self, message, directory):
        if not message.svids:
            raise SvidError("no SVIDs in response")
        svid = message.svids[0]  # Workload API 5.2.1: the first is the default
        chain = load_certificates(svid.x509_svid)
        bundle = load_certificates(svid.bundle)
        if not chain or not bundle:
            raise SvidError("no certificates or an empty bundle")
        try:
            key = serialization.load_der_private_key(svid.x509_svid_key, password=None)
        except ValueError as err:
            raise SvidError(f"the private key is not PKCS#8 DER: {err}")
        self.spiffe_id = check_x509_svid(svid.spiffe_id, chain, key)
        self.leaf = chain[0]
        self.serial = self.leaf.serial_number
        self.cert_path = os.path.join(directory, f"svid-{self.serial:x}.pem")
        self.key_path = os.path.join(directory, f"key-{self.serial:x}.pem")
        self.bundle_path = os.path.join(directory, f"bundle-{self.serial:x}.pem")
        write_private(self.cert_path, b"".join(c.public_bytes(PEM) for c in chain))
        write_private(self.key_path, key.private_bytes(PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        write_private(self.bundle_path, b"".join(c.public_bytes(PEM) for c in bundle))

    def thumbprint(self):
        """RFC 8705 x5t#S256 of the leaf: what a Tessera JWT-SVID is bound to."""
        digest = self.leaf.fingerprint(hashes.SHA256())
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def check_x509_svid(spiffe_id, chain, key):
    """go-spiffe x509svid.ParseRaw: a leaf with one SPIFFE ID URI SAN, not a CA, digitalSignature without
    keyCertSign or cRLSign, holding the key's public half; intermediates that are CAs. Returns the ID."""
    leaf = chain[0]
    uris = extension(leaf, x509.SubjectAlternativeName)
    uris = uris.get_values_for_type(x509.UniformResourceIdentifier) if uris else []
    if len(uris) != 1 or not uris[0].startswith("spiffe://"):
        raise SvidError("the leaf must have exactly one URI SAN, a SPIFFE ID")
    if uris[0] != spiffe_id:
        raise SvidError("the leaf does not name the SPIFFE ID of the message")
    if is_ca(leaf):
        raise SvidError("the leaf is a CA")
    usage = extension(leaf, x509.KeyUsage)
    if not usage or not usage.digital_signature or usage.key_cert_sign or usage.crl_sign:
        raise SvidError("the leaf's key usage is not digitalSignature without keyCertSign and cRLSign")
    if not all(is_ca(c) for c in chain[1:]):
        raise SvidError("an intermediate is not a CA")
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(DER, spki) != leaf.public_key().public_bytes(DER, spki):
        raise SvidError("the private key does not match the leaf")
    return spiffe_id


def check_jwt_svid(token, spiffe_id, audience):
    """go-spiffe jwtsvid.ParseInsecure: a JWS whose sub is a SPIFFE ID, aud holds ours, exp ahead."""
    parts = token.split(".")
    if len(parts) != 3:
        raise SvidError("not a compact JWS")
    decode = lambda part: json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    header, claims = decode(parts[0]), decode(parts[1])
    if header.get("alg") not in {"ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}:
        raise SvidError("unsupported algorithm")
    audiences = claims.get("aud") if isinstance(claims.get("aud"), list) else [claims.get("aud")]
    if claims.get("sub") != spiffe_id or audience not in audiences:
        raise SvidError("sub or aud does not fit")
    if not isinstance(claims.get("exp"), (int, float)) or claims["exp"] <= time.time():
        raise SvidError("expired or no exp")
    return claims


def extension(certificate, kind):
    try:
        return certificate.extensions.get_extension_for_class(kind).value
    except x509.ExtensionNotFound:
        return None


def is_ca(certificate):
    constraints = extension(certificate, x509.BasicConstraints)
    return bool(constraints and constraints.ca)


def load_certificates(der):
    """The certificates of concatenated DER (the Workload API's chain and bundle fields). cryptography
    loads one DER certificate at a time, so each one's length is read from its header."""
    certificates = []
    while der:
        if len(der) < 2:
            raise SvidError("truncated DER")
        length, header = der[1], 2
        if length & 0x80:
            header += length & 0x7F
            length = int.from_bytes(der[2:header], "big")
        try:
            certificates.append(x509.load_der_x509_certificate(bytes(der[:header + length])))
        except ValueError as err:
            raise SvidError(f"not a DER certificate: {err}")
        der = der[header + length:]
    return certificates


def write_private(path, data):
    """0600, replaced atomically: a reader never sees half a file."""
    temporary = path + ".tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(temporary, path)


class WorkloadApiClient:
    """Follows FetchX509SVID in a thread; `current` is the latest checked SVID."""

    def __init__(self, address=None):
        address = address or os.environ["SPIFFE_ENDPOINT_SOCKET"]
        self.channel = grpc.insecure_channel(address)
        self.stub = workload_pb2_grpc.SpiffeWorkloadAPIStub(self.channel)
        self.directory = tempfile.mkdtemp(prefix="svid-")  # 0700
        self.current = None
        self.updates = 0
        self.changed = threading.Condition()
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self):
        backoff = 0.1
        while True:
            try:
                for message in self.stub.FetchX509SVID(workload_pb2.X509SVIDRequest(), metadata=HEADER):
                    try:
                        svid = X509Svid(message, self.directory)
                    except SvidError as err:  # Workload API 4.5: report and discard; keep the SVID we have
                        print(f"workload api: discarded an X509-SVID message: {err}", file=sys.stderr)
                        continue
                    with self.changed:
                        self.current = svid
                        self.updates += 1
                        self.changed.notify_all()
                    backoff = 0.1
            except grpc.RpcError as err:
                if err.code() not in RETRYABLE:
                    raise
            time.sleep(backoff)
            backoff = min(backoff * 2, 5)

    def wait_for_svid(self, timeout=10):
        with self.changed:
            if not self.changed.wait_for(lambda: self.current is not None, timeout):
                raise SvidError("no X509-SVID from the Workload API")
            return self.current

    def fetch_jwt_svid(self, audience):
        response = self.stub.FetchJWTSVID(workload_pb2.JWTSVIDRequest(audience=[audience]), metadata=HEADER)
        if not response.svids:
            raise SvidError("no JWT-SVIDs in response")
        svid = response.svids[0]
        return svid.svid, check_jwt_svid(svid.svid, svid.spiffe_id, audience)

    def validate_jwt_svid(self, token, audience):
        response = self.stub.ValidateJWTSVID(workload_pb2.ValidateJWTSVIDRequest(audience=audience, svid=token), metadata=HEADER)
        return response.spiffe_id
