#!/bin/sh
# Writes tests/peers/flume/server.jks: the TLS server identity of the avro
# source tests (Flume's and flume-ws's), as a JKS keystore with the private-key
# entry `server` (tests/fixtures/tls/server-key.pem, for DNS:localhost and
# IP:127.0.0.1, with the chain server.pem, ca.pem). Store and key password:
# changeit. Needs OpenSSL and a JDK keytool; the tests only read the result.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tls="$here/../../fixtures/tls"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
openssl pkcs12 -export -in "$tls/server.pem" -inkey "$tls/server-key.pem" \
  -certfile "$tls/ca.pem" -name server -passout pass:changeit -out "$work/server.p12"
rm -f "$here/server.jks"
keytool -importkeystore -noprompt \
  -srckeystore "$work/server.p12" -srcstoretype PKCS12 -srcstorepass changeit \
  -destkeystore "$here/server.jks" -deststoretype JKS \
  -deststorepass changeit -destkeypass changeit 2>/dev/null
echo "wrote $here/server.jks"
