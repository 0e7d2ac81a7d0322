"""A SPIFFE Workload API client: fetch and watch this process's X509-SVID, get JWT-SVIDs.

It checks what it receives the way go-spiffe's workloadapi client does before using it
(x509svid.ParseRaw, jwtsvid.ParseInsecure), and keeps the current SVID as files that
Python's ssl module loads. Needs only grpcio (Debian: python3-grpcio) and stubs
generated from the standard workload.proto (see README): certificates are read with a
few lines of DER below and OpenSSL (the ssl module), because `cryptography` before
version 42 cannot parse certificates holding an extension OID with arcs above 64 bits.
"""
import base64
import hashlib
import json
import os
import sys
import ssl
import tempfile
import threading
import time

import grpc

from spiffe.workload import workload_pb2, workload_pb2_grpc

# Workload Endpoint 3: every call carries this header.
HEADER = (("workload.spiffe.io", "true"),)
# Workload Endpoint 6: retry these with a backoff; INVALID_ARGUMENT and UNIMPLEMENTED are bugs.
RETRYABLE = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.PERMISSION_DENIED}
# DER contents of the extension OIDs checked below (RFC 5280 4.2.1).
SUBJECT_ALT_NAME, BASIC_CONSTRAINTS, KEY_USAGE = bytes.fromhex("551d11"), bytes.fromhex("551d13"), bytes.fromhex("551d0f")


class SvidError(Exception):
    pass


class X509Svid:
    """One checked X509-SVID, written to a private directory as PEM files."""

    def __init__(self, message, directory):
        if not message.svids:
            raise SvidError("no SVIDs in response")
        svid = message.svids[0]  # Workload API 5.2.1: the first is the default
        chain = split_certificates(svid.x509_svid)
        bundle = split_certificates(svid.bundle)
        if not chain or not bundle:
            raise SvidError("no certificates or an empty bundle")
        self.spiffe_id, self.serial = check_x509_svid(svid.spiffe_id, chain)
        self.leaf_der = chain[0]
        self.cert_path = os.path.join(directory, f"svid-{self.serial:x}.pem")
        self.key_path = os.path.join(directory, f"key-{self.serial:x}.pem")
        self.bundle_path = os.path.join(directory, f"bundle-{self.serial:x}.pem")
        write_private(self.cert_path, "".join(map(ssl.DER_cert_to_PEM_cert, chain)).encode())
        write_private(self.key_path, pem("PRIVATE KEY", svid.x509_svid_key))
        write_private(self.bundle_path, "".join(map(ssl.DER_cert_to_PEM_cert, bundle)).encode())
        try:
            # OpenSSL refuses a key that is not the leaf's (x509svid.ParseRaw's key check).
            ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_cert_chain(self.cert_path, self.key_path)
        except ssl.SSLError as err:
            raise SvidError(f"the private key does not match the leaf: {err}")

    def thumbprint(self):
        """RFC 8705 x5t#S256 of the leaf: what a Tessera JWT-SVID is bound to."""
        return base64.urlsafe_b64encode(hashlib.sha256(self.leaf_der).digest()).rstrip(b"=").decode()


def check_x509_svid(spiffe_id, chain):
    """go-spiffe x509svid.ParseRaw: a leaf with one SPIFFE ID URI SAN, not a CA, digitalSignature without
    keyCertSign or cRLSign; intermediates that are CAs. Returns the ID and the leaf's serial number."""
    serial, extensions = read_certificate(chain[0])
    uris = [value for tag, value in inside(extensions.get(SUBJECT_ALT_NAME)) if tag == 0x86]
    if len(uris) != 1 or not uris[0].startswith(b"spiffe://"):
        raise SvidError("the leaf must have exactly one URI SAN, a SPIFFE ID")
    if uris[0].decode() != spiffe_id:
        raise SvidError("the leaf does not name the SPIFFE ID of the message")
    if is_ca(extensions):
        raise SvidError("the leaf is a CA")
    usage = extensions.get(KEY_USAGE)
    bits = usage[3] if usage and len(usage) > 3 else 0  # BIT STRING: tag, length, unused bits, first byte
    if not bits & 0x80 or bits & 0x06:
        raise SvidError("the leaf's key usage is not digitalSignature without keyCertSign and cRLSign")
    if not all(is_ca(read_certificate(der)[1]) for der in chain[1:]):
        raise SvidError("an intermediate is not a CA")
    return spiffe_id, serial


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


def read_tlv(der, at=0):
    """One DER element at `at`: (tag, content, offset after it)."""
    tag, length, at = der[at], der[at + 1], at + 2
    if length & 0x80:
        size = length & 0x7F
        length, at = int.from_bytes(der[at:at + size], "big"), at + size
    if at + length > len(der):
        raise SvidError("truncated DER")
    return tag, der[at:at + length], at + length


def children(content):
    """The (tag, content) of each element in a constructed element's content."""
    items, at = [], 0
    while at < len(content):
        tag, value, at = read_tlv(content, at)
        items.append((tag, value))
    return items


def inside(der):
    """The elements inside one DER-encoded SEQUENCE (an extension's value)."""
    return children(read_tlv(der)[1]) if der else []


def read_certificate(der):
    """(serial number, {extension OID: extnValue}) of one certificate."""
    tbs = children(read_tlv(der)[1])[0][1]
    fields = children(tbs)
    serial = int.from_bytes(fields[1 if fields[0][0] == 0xA0 else 0][1], "big")  # [0] version is optional
    extensions = {}
    for tag, value in fields:
        if tag == 0xA3:  # [3] EXPLICIT SEQUENCE OF Extension
            for _, extension in inside(value):
                parts = children(extension)  # OID, [critical BOOLEAN], OCTET STRING
                extensions[parts[0][1]] = parts[-1][1]
    return serial, extensions


def is_ca(extensions):
    constraints = inside(extensions.get(BASIC_CONSTRAINTS))
    return bool(constraints) and constraints[0][0] == 0x01 and constraints[0][1] != b"\x00"


def split_certificates(der):
    """The certificates of concatenated DER (the Workload API's chain and bundle fields)."""
    certificates = []
    while der:
        _, _, end = read_tlv(der)
        certificates.append(bytes(der[:end]))
        der = der[end:]
    return certificates


def pem(label, der):
    body = base64.encodebytes(der).decode().replace("\n", "")
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return (f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n").encode()


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
