#!/usr/bin/env bash
# Seeds the fuzz corpora (fuzz/corpus/TARGET, not committed) from the repository's policies
# (tests/data/policies), the conformance requests of ../shared when present, and the CLI.
# Usage: cd fuzz && ./seed.sh
set -euo pipefail
cd "$(dirname "$0")"
policies=../tests/data/policies
shared=../../shared
mkdir -p corpus/parse corpus/compile_differential corpus/load_artifact corpus/authorize corpus/check

# parse: the ECS policies and the 300 smallest AWS managed policies.
cp "$policies"/ecs/*.json corpus/parse/
ls -S "$policies"/aws-managed/*.json | tail -n 300 | xargs -I{} cp {} corpus/parse/

# check: the same policies (the input length picks the policy type).
cp corpus/parse/*.json corpus/check/

# authorize: request lines (first byte odd = through Request::from_json) taken from the
# conformance cases, and a few ECS requests; plus generator tapes (first byte even).
python3 - "$shared" <<'PY'
import json, os, sys, hashlib
shared = sys.argv[1]
out = "corpus/authorize"
lines = []
path = os.path.join(shared, "conformance/iam-simulate/identity-only.jsonl")
if os.path.exists(path):
    for line in open(path):
        try:
            r = json.loads(line)["request"]
        except Exception:
            continue
        r = {k: v for k, v in r.items() if k in ("action", "resource", "context") and v is not None}
        lines.append(json.dumps(r))
lines += [
    '{"action":"ecs:StopTask","resource":"arn:aws:ecs:us-east-1:111122223333:task/prod/4b0c","context":{"aws:MultiFactorAuthPresent":true,"aws:ResourceTag/Department":"Accounting","ecs:cluster":"arn:aws:ecs:us-east-1:111122223333:cluster/prod"}}',
    '{"action":"ecs:DeleteCluster","resource":"arn:aws:ecs:us-east-1:111122223333:cluster/prod","context":{"aws:MultiFactorAuthPresent":"false"}}',
    '{"action":"iam:PassRole","resource":"arn:aws:iam::111122223333:role/ecsTaskExecutionRole","context":{"iam:PassedToService":"ecs-tasks.amazonaws.com"}}',
]
for l in lines:
    data = b"\x01" + l.encode()
    open(os.path.join(out, hashlib.sha1(data).hexdigest()), "wb").write(data)
for i in range(16):
    data = bytes([0]) + os.urandom(48)
    open(os.path.join(out, hashlib.sha1(data).hexdigest()), "wb").write(data)
for i in range(16):
    data = os.urandom(160)
    open(os.path.join("corpus/compile_differential", hashlib.sha1(data).hexdigest()), "wb").write(data)
PY

# load_artifact: real artifacts (first byte 2 = raw bytes) when the CLI can write them.
iamc=../target/release/iamc
[ -x "$iamc" ] || iamc=../target/debug/iamc
if [ -x "$iamc" ]; then
  tmp=$(mktemp -d)
  "$iamc" compile "$policies"/ecs/best-practice-*.json -o "$tmp/small.iamc" &&
  "$iamc" compile "$policies"/ecs/*.json -o "$tmp/ecs.iamc" &&
  for a in small ecs; do { printf '\002'; cat "$tmp/$a.iamc"; } > "corpus/load_artifact/$a"; done ||
    echo "seed.sh: iamc compile failed; load_artifact starts from its edit modes only" >&2
  rm -rf "$tmp"
else
  echo "seed.sh: no iamc binary (cargo build --release); load_artifact starts from its edit modes only" >&2
fi
printf '\001' > corpus/load_artifact/edit-none
printf '\000' > corpus/load_artifact/header-only
# simulate: the recorded SimulateCustomPolicy requests (modes 0, 4, 8: the whole document
# under both semantics and engines), their policy texts (modes 1 and 2); testfile: the example
# test files and templates.
mkdir -p corpus/simulate corpus/testfile
python3 - <<'PY'
import glob, hashlib, json, os
def put(d, data):
    open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb").write(data)
for f in glob.glob("../tests/data/simulate/cases/*.json"):
    req = json.load(open(f))["request"]
    for mode in (0, 4, 8):
        put("corpus/simulate", bytes([mode]) + json.dumps(req).encode())
    for p in req.get("PolicyInputList", [])[:1]:
        put("corpus/simulate", b"\x01" + p.encode())
    if "ResourcePolicy" in req:
        put("corpus/simulate", b"\x02" + req["ResourcePolicy"].encode())
for f in glob.glob("../examples/tests/*") + glob.glob("../examples/templates/*"):
    put("corpus/testfile", b"\x00" + open(f, "rb").read())
PY
# diff: the cases of the property test's regression file, in the target's split (header: that
# many request tapes of 96 bytes; the pair's tape; the request tapes), and random inputs.
mkdir -p corpus/diff
python3 - <<'PY'
import hashlib, os, re
def put(data):
    open(os.path.join("corpus/diff", hashlib.sha1(data).hexdigest()), "wb").write(data)
for line in open("../tests/proptest-regressions/diff.txt"):
    m = re.search(r"pair = \[([^\]]*)\], tapes = \[(.*)\]$", line.strip())
    if not m:
        continue
    pair = bytes(int(b) for b in m.group(1).split(","))
    tapes = [bytes(int(b) for b in t.split(",")) for t in re.findall(r"\[([^\]]*)\]", m.group(2))]
    put(bytes([len(tapes) - 1, 88]) + pair + b"".join(tapes))
for i in range(32):
    put(os.urandom(64 + 24 * i))
PY
echo "seeded: $(for d in corpus/*; do printf '%s=%s ' "${d#corpus/}" "$(ls "$d" | wc -l)"; done)"
