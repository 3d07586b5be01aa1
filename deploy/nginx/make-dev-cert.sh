#!/bin/sh
# Self-signed certificate for a test machine only (browsers will warn). In production,
# put the certificate and key of your CA (or Let's Encrypt) at certs/tls.crt and certs/tls.key.
#   sh deploy/nginx/make-dev-cert.sh [hostname]
set -eu
host=${1:-localhost}
dir=$(dirname "$0")/certs
mkdir -p "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 \
    -subj "/CN=$host" -addext "subjectAltName=DNS:$host" \
    -keyout "$dir/tls.key" -out "$dir/tls.crt"
chmod 600 "$dir/tls.key"
echo "wrote $dir/tls.crt and $dir/tls.key (self-signed, 30 days)"
