#!/usr/bin/env bash
# The system packages the tests need besides Node.js, from Debian's archive (run as root).
# Each is installed only when missing; the tests that need them fail, never skip, without them.
set -euo pipefail
missing=()
# Issued certificates are cross-checked with the openssl command line.
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# The Workload API interop test (test/integration/workload-api-python.test.ts, npm run
# demo:workload-api): a Python agent on Debian's grpcio, with stubs that grpc_tools' protoc
# generates from the standard workload.proto.
/usr/bin/python3 -c 'import grpc, grpc_tools' >/dev/null 2>&1 || missing+=(python3-grpcio python3-grpc-tools)
# The PostgreSQL store's tests start a throwaway cluster of their own (test/setup/postgres.ts:
# initdb in a temp directory as the postgres user, a free port on 127.0.0.1); they need only
# the server binaries, which Debian's package installs under /usr/lib/postgresql/<major>/bin.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
# Agent SVIDs read by parsers that are not ours (test/integration/workload-api-interop.test.ts):
# Debian's python3-cryptography, which the Python example also uses, and Go's crypto/x509 in a
# program on the standard library alone (no module downloads). Debian's Go ships the standard
# library precompiled: the build takes about a second.
/usr/bin/python3 -c 'import cryptography' >/dev/null 2>&1 || missing+=(python3-cryptography)
command -v go >/dev/null 2>&1 || missing+=(golang-go)
# The web console's browser tests (test/integration/console-*.test.ts, npm run console:screenshots):
# headless Chromium from Debian, driven by playwright-core through its path, /usr/bin/chromium.
command -v /usr/bin/chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq "${missing[@]}"
fi
