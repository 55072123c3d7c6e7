#!/usr/bin/env bash
# Provenance: copied unchanged (but for this header) from the project's shared GradBench set-up
# (its setup.sh, made 2026-12-06 against gradbench/gradbench commit f26651a7). Run it through
# `eng/gradbench.sh setup`.
#
# Recreates the /tmp set-up that run.sh assumes, on this project's Debian 12 (bookworm) 2-core VM, where only
# Debian's packages, NuGet and npm are reachable (no PyPI, no crates.io, no Docker daemon use, no GitHub downloads).
#
# Inputs (required: paths of git copies of these public repositories):
#   GRADBENCH_GIT  gradbench/gradbench   (measured: commit f26651a7)
#   ADBENCH_GIT    microsoft/ADBench     (only for the lstm text, see below)
#   CODIPACK_GIT   SciCompKL/CoDiPack    (only for the codipack tool)
# Makes: /tmp/gradbench (eval side), /tmp/gbtools (tool side), /tmp/gradbench-cli (CLI), /tmp/gbvenv (python),
#        /tmp/codipack/include.
set -eux
HERE=$(cd "$(dirname "$0")" && pwd)
GRADBENCH_GIT=${GRADBENCH_GIT:?set GRADBENCH_GIT to a git copy of gradbench/gradbench}
ADBENCH_GIT=${ADBENCH_GIT:?set ADBENCH_GIT to a git copy of microsoft/ADBench}
CODIPACK_GIT=${CODIPACK_GIT:-}
GRADBENCH_COMMIT=${GRADBENCH_COMMIT:-f26651a7bcc120654fa895adecaf371b8cc059c5}

# 1. Debian packages: the CLI's crates (Debian ships Rust crate sources under /usr/share/cargo/registry), the
#    evals' Python deps (numpy 1.24.2, scipy, dataclasses-json), torch 1.13 for the pytorch tool, nlohmann json.hpp
#    (cpp/Makefile would wget it from GitHub), ADOL-C 2.7.2 (the version tools/adol-c/Dockerfile builds).
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
  librust-anyhow-dev librust-chrono-dev librust-clap-dev librust-clap-derive-dev librust-colored-dev \
  librust-ctrlc-dev librust-indexmap-dev librust-itertools-dev librust-nix-dev librust-regex-dev \
  librust-aho-corasick-dev librust-serde-dev librust-serde-derive-dev librust-serde-json-dev librust-shlex-dev \
  librust-similar-dev librust-strum-dev librust-strum-macros-dev librust-tempfile-dev \
  python3-numpy python3-scipy python3-dataclasses-json python3-torch nlohmann-json3-dev libadolc-dev

# 2. GradBench work tree. A partial copy may lack the blobs of evals/lstm/data/lstm_full.txt and the four
#    evals/ht/data/*/hand12_t26_c100000.txt, so check out everything else.
rm -rf /tmp/gradbench
git clone -q --no-checkout "$GRADBENCH_GIT" /tmp/gradbench
cd /tmp/gradbench
git reset -q "$GRADBENCH_COMMIT"
git ls-tree -r --name-only "$GRADBENCH_COMMIT" | grep -v -e 'hand12_t26_c100000.txt' -e 'evals/lstm/data/lstm_full.txt' > /tmp/gbfiles.txt
git checkout -q "$GRADBENCH_COMMIT" --pathspec-from-file=/tmp/gbfiles.txt

# 3. lstm text: lstm_full.txt (the same blob 61aaf2ba in GradBench and ADBench) may be absent from partial copies of both repositories. ADBench's
#    data/lstm/lstm_l2_c4096.txt holds its first 4096 characters as bit rows (ADBench gen_data.py, the same
#    text_to_matrix as GradBench's lstm eval): decode them. Only c <= 4096 workloads can be run from this.
mkdir -p evals/lstm/data
git --git-dir="$ADBENCH_GIT" show HEAD:data/lstm/lstm_l2_c4096.txt | python3 -c '
import sys, math
lines = sys.stdin.read().split("\n")
l, c, b = map(int, lines[0].split())
blocks, cur = [], []
for ln in lines[1:]:
    if ln.strip():
        cur.append(ln)
    elif cur:
        blocks.append(cur); cur = []
if cur:
    blocks.append(cur)
seq = blocks[3]
assert len(seq) == c
text = "".join(chr(int("".join(r.split()), 2)) for r in seq)
assert math.ceil(math.log2(max(ord(ch) for ch in text))) == b
open("evals/lstm/data/lstm_full.txt", "w", encoding="utf8").write(text)
'

# 4. cpp/json.hpp from Debian (3.11.2; GradBench's Makefile fetches 3.11.3), and the manual tool that the evals use
#    as their validator, built as in evals/*/Dockerfile (NATIVE=no).
cp /usr/include/nlohmann/json.hpp cpp/json.hpp
make -C tools/manual -Bj2 NATIVE=no

# 5. Tool side: a copy of the tree, so that cpp.py's `make -B` at define (NATIVE=yes, as in the tool images) does
#    not overwrite the eval's validator binaries.
rm -rf /tmp/gbtools
cp -a /tmp/gradbench /tmp/gbtools
rm -rf /tmp/gbtools/.git

# 6. The CLI: crates/gradbench with its Cargo.toml moved to the crate versions Debian 12 has, a local stand-in for
#    timeout-readwrite (not in Debian), and four small API adaptations (cli-debian-crates.patch). The
#    intermediary (intermediary.rs), protocol.rs and stats.rs are unchanged.
rm -rf /tmp/gradbench-cli
mkdir -p /tmp/gradbench-cli/.cargo
cp -r /tmp/gradbench/crates/gradbench /tmp/gradbench-cli/gradbench
cp -r "$HERE/timeout-readwrite" /tmp/gradbench-cli/timeout-readwrite
cat > /tmp/gradbench-cli/.cargo/config.toml <<'EOF'
[source.crates-io]
replace-with = "debian-packages"

[source.debian-packages]
directory = "/usr/share/cargo/registry"

[net]
offline = true
EOF
patch -p1 -d /tmp/gradbench-cli/gradbench < "$HERE/cli-debian-crates.patch"
(cd /tmp/gradbench-cli/gradbench && cargo build --release)

# 7. Python: a venv over pyenv's 3.11 (which has pydantic 2; Debian 12's python3-pydantic is 1.10) that appends
#    Debian's dist-packages after its own site-packages (sitecustomize), for numpy/scipy/dataclasses-json/torch.
rm -rf /tmp/gbvenv
python3 -m venv --system-site-packages /tmp/gbvenv
cat > /tmp/gbvenv/lib/python3.11/site-packages/sitecustomize.py <<'EOF'
import sys
# GradBench probe: Debian bookworm packages (numpy 1.24.2, scipy, dataclasses-json, torch 1.13) after the
# pyenv site-packages (pydantic 2), since PyPI is not reachable here.
sys.path.append("/usr/lib/python3/dist-packages")
EOF
/tmp/gbvenv/bin/python -c 'import numpy, scipy, pydantic, dataclasses_json, torch; print(numpy.__version__, pydantic.__version__, torch.__version__)'

# 8. CoDiPack v2.3.1 headers (what tools/codipack/Dockerfile downloads).
if [ -n "$CODIPACK_GIT" ]; then
  rm -rf /tmp/codipack
  mkdir -p /tmp/codipack
  git --git-dir="$CODIPACK_GIT" archive v2.3.1 include | tar -x -C /tmp/codipack
fi

# Smoke test: the hello eval against the manual tool through the real intermediary.
cd /tmp/gradbench
PYTHONPATH=python/gradbench /tmp/gradbench-cli/gradbench/target/release/gradbench run \
  --eval "/tmp/gbvenv/bin/python python/gradbench/gradbench/evals/hello/run.py" \
  --tool "bash -c 'cd /tmp/gbtools && exec python3 python/gradbench/gradbench/cpp.py manual'"
