"""An AI agent in Python that gets its identity from `tessera agent` over the SPIFFE Workload API.

It calls SERVICE_ADDRESS (host:port) over mutual TLS with its X509-SVID, checks that the
server is SERVICE_ID, and sends a JWT-SVID for that audience bound to its certificate.
It keeps calling across ROTATIONS rotations and prints one JSON summary line; it exits 1
if any call failed.
"""
import json
import os
import socket
import ssl
import sys
import time

from workload_client import WorkloadApiClient

SERVICE_HOST, SERVICE_PORT = os.environ["SERVICE_ADDRESS"].rsplit(":", 1)
SERVICE_ID = os.environ["SERVICE_ID"]
ROTATIONS = int(os.environ.get("ROTATIONS", "2"))


def tls_context(svid):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_cert_chain(svid.cert_path, svid.key_path)  # fails if the key does not match
    context.load_verify_locations(svid.bundle_path)
    context.check_hostname = False  # SPIFFE: the peer is named by its URI SAN, checked below
    return context


def call(context, token):
    with socket.create_connection((SERVICE_HOST, int(SERVICE_PORT)), timeout=5) as raw:
        with context.wrap_socket(raw) as tls:
            uris = [v for k, v in tls.getpeercert().get("subjectAltName", ()) if k == "URI"]
            if uris != [SERVICE_ID]:
                raise ssl.SSLError(f"the server is {uris}, not {SERVICE_ID}")
            tls.sendall(f"{token}\n".encode())
            reply = tls.makefile().readline().strip()
            if not reply.startswith("ok "):
                raise RuntimeError(reply)
            return reply


def main():
    client = WorkloadApiClient()
    svid = client.wait_for_svid()
    # ValidateJWTSVID: the agent checks a token on our behalf (here, our own).
    token, _ = client.fetch_jwt_svid(SERVICE_ID)
    validated = client.validate_jwt_svid(token, SERVICE_ID)
    pair, serials, calls, failures = None, set(), 0, []
    deadline = time.time() + 60
    while len(serials) <= ROTATIONS and time.time() < deadline:
        current = client.current
        if pair is None or pair[0] is not current:
            # A JWT-SVID is bound to one certificate: get a new one with every new SVID.
            token, claims = client.fetch_jwt_svid(SERVICE_ID)
            if claims.get("cnf", {}).get("x5t#S256") == current.thumbprint():
                pair = (current, tls_context(current), token)
                serials.add(current.serial)
        try:
            calls += 1
            call(pair[1], pair[2])
        except Exception as err:  # every failure counts: the point is zero of them
            failures.append(repr(err))
        time.sleep(0.1)
    print(json.dumps({"spiffe_id": svid.spiffe_id, "validated": validated, "svids": len(serials), "calls": calls, "failures": failures}), flush=True)
    return 0 if not failures and len(serials) > ROTATIONS else 1


if __name__ == "__main__":
    sys.exit(main())
