#!/usr/bin/env bash
# Runs GradGen's GradBench tool and GradBench's own tools under GradBench's own harness (the `gradbench run`
# intermediary + the Python evals, which validate every response against the `manual` tool), then GradBench's own
# `repo stats` scorer, then tables.py for the tables. Called by eng/gradbench.sh (see there, and README.md here).
#
# Provenance: adapted from the project's shared GradBench set-up (its run.sh, 2026-12-06). Changes:
# GradGen's tool is built from a commit of this repository (git archive; or the work tree with GRADGEN_REV=worktree)
# instead of a copy of a checkout; within a round the tools run eval by eval (gradgen then manual on llsq, ...) instead
# of tool by tool; the once-only reference tools default to none; the tables come from tables.py
# (ratios and absolute times, GradGen against manual); machine.txt records memory and the load.
#
# usage: run.sh REPO OUT_DIR              run, then tables
#        run.sh --table OUT_DIR           only recompute stats and tables from existing logs
#
# Assumes the set-up made by setup.sh exists (paths below). Environment knobs (defaults in brackets):
#   GRADGEN_REV commit of REPO to build GradGen's tool from, or "worktree" for the files as they are [HEAD]
#   ROUNDS      rounds of the timed tools ["2"]          TOOLS       tools timed ROUNDS times ["gradgen manual"]
#   ROUND_START first round number [1]                   ONCE_TOOLS  tools run in round 1 only [""]; GradBench's
#               pytorch, adol-c and codipack work here too (codipack needs CODIPACK_GIT at set-up)
#   EVALS       evals ["llsq lse det ode gmm lstm kmeans ba"]
#   TIMEOUT     per-response timeout passed to `gradbench run --timeout` [600, as GradBench's nightly]
#   SKIP_DONE   1: skip a run whose .rc file exists (resume an interrupted run) [1]
#   LOAD_MAX, WAIT_MAX  before each run, wait up to WAIT_MAX seconds [60] for the 1-min load average to fall to
#               LOAD_MAX [1.5] (the machine has 2 cores and other work may run on it); the run then
#               goes ahead anyway, and the load before and after is written next to its log
#   GBROOT, GBTOOLS, GB, PY, CODIPACK_INCLUDE  where setup.sh put things [/tmp/...]
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
GBROOT=${GBROOT:-/tmp/gradbench}      # GradBench work tree: eval side (manual validator built NATIVE=no, as in the eval images)
GBTOOLS=${GBTOOLS:-/tmp/gbtools}      # copy of the same tree: tool side (cpp.py rebuilds tools/<tool>/bin at define, as in the tool images)
GB=${GB:-/tmp/gradbench-cli/gradbench/target/release/gradbench}   # GradBench CLI (built against Debian's crates, see setup.sh)
PY=${PY:-/tmp/gbvenv/bin/python}      # python 3.11 with pydantic 2 + Debian's numpy/scipy/dataclasses-json/torch
CODIPACK_INCLUDE=${CODIPACK_INCLUDE:-/tmp/codipack/include}
ROUNDS=${ROUNDS:-2}
ROUND_START=${ROUND_START:-1}
TOOLS=${TOOLS:-"gradgen manual"}
ONCE_TOOLS=${ONCE_TOOLS-""}
EVALS=${EVALS:-"llsq lse det ode gmm lstm kmeans ba"}
TIMEOUT=${TIMEOUT:-600}
LOAD_MAX=${LOAD_MAX:-1.5}
WAIT_MAX=${WAIT_MAX:-60}
GRADGEN_REV=${GRADGEN_REV:-HEAD}

wait_quiet() {
  local waited=0
  while awk -v max="$LOAD_MAX" '{ exit !($1 > max) }' /proc/loadavg && [ "$waited" -lt "$WAIT_MAX" ]; do
    sleep 10; waited=$((waited + 10))
  done
  echo "$waited"
}

# Which evals each tool implements (tools/<tool>/evals.txt of gradbench f26651a, outcome "success"; gradgen's is
# tools/gradgen/evals.txt of this repository).
supports() {
  local tool=$1 eval=$2
  case $tool in
    gradgen|manual|adol-c|codipack) return 0 ;;
    pytorch) [[ " gmm kmeans lse lstm hello " == *" $eval "* ]] ;;   # its evals.txt: "ba error", no llsq/det/ode
    *) return 1 ;;
  esac
}

# Extra eval arguments. lstm: GradBench's evals/lstm/data/lstm_full.txt may be absent from a partial copy; setup.sh rebuilds its
# first 4096 characters from ADBench's lstm_l2_c4096.txt, so the c=8192 workloads cannot be run (defaults: -c 1024 4096 8192).
eval_args() {
  case $1 in
    lstm) echo "-c 1024 4096" ;;
    *) echo "" ;;
  esac
}

tool_cmd() {
  case $1 in
    gradgen) echo "dotnet $GRADGEN_BUILD/samples/GradGen.GradBench/bin/Release/net10.0/gradgen-gradbench.dll" ;;
    manual|adol-c|finite) echo "bash -c 'cd $GBTOOLS && exec python3 python/gradbench/gradbench/cpp.py $1'" ;;
    codipack) echo "bash -c 'cd $GBTOOLS && CPATH=$CODIPACK_INCLUDE exec python3 python/gradbench/gradbench/cpp.py codipack'" ;;
    pytorch) echo "bash -c 'cd $GBTOOLS && PYTHONPATH=python/gradbench exec $PY python/gradbench/gradbench/tools/pytorch/run.py'" ;;
  esac
}

run_one() {
  local round=$1 tool=$2 eval=$3
  local dir=$OUT/round$round/$eval
  mkdir -p "$dir"
  if [ "${SKIP_DONE:-1}" = 1 ] && [ -e "$dir/$tool.rc" ]; then
    echo "== round $round: $eval / $tool already done (exit code $(cat "$dir/$tool.rc")), skipped"
    return
  fi
  local waited; waited=$(wait_quiet)
  local tcmd; tcmd=$(tool_cmd "$tool")
  local ecmd="$PY python/gradbench/gradbench/evals/$eval/run.py $(eval_args "$eval")"
  {
    echo "# $(date -Is) round $round tool $tool eval $eval"
    echo "# waited ${waited} s for 1-min load <= $LOAD_MAX"
    echo "# uptime: $(uptime)"
    echo "# eval: $ecmd"
    echo "# tool: $tcmd"
  } > "$dir/$tool.txt"
  echo "== round $round: $eval / $tool ($(uptime | sed 's/.*load average/load average/'))"
  local start=$SECONDS
  (cd "$GBROOT" && PYTHONPATH=python/gradbench "$GB" run --timeout "$TIMEOUT" \
      --eval "$ecmd" --tool "$tcmd" -o "$dir/$tool.jsonl") >> "$dir/$tool.txt" 2>&1
  local rc=$?
  echo "$rc" > "$dir/$tool.rc"
  echo "# exit code $rc after $((SECONDS - start)) s; uptime after: $(uptime)" >> "$dir/$tool.txt"
  echo "   exit code $rc, $((SECONDS - start)) s"
}

tables() {
  local out=$1
  for rdir in "$out"/round*; do
    [ -d "$rdir" ] || continue
    local r; r=$(basename "$rdir")
    local sdir=$out/stats/$r
    rm -rf "$sdir"; mkdir -p "$sdir/.git" "$sdir/evals" "$sdir/tools"   # `repo stats` wants a repo root with evals/ and tools/<tool>/evals.txt
    for edir in "$rdir"/*/; do
      local e; e=$(basename "$edir")
      mkdir -p "$sdir/evals/$e"
      for log in "$edir"*.jsonl; do
        [ -e "$log" ] || continue
        local t; t=$(basename "$log" .jsonl)
        mkdir -p "$sdir/tools/$t"
        echo "$e" >> "$sdir/tools/$t/evals.txt"
      done
    done
    for f in "$sdir"/tools/*/evals.txt; do [ -e "$f" ] && sort -o "$f" "$f"; done
    (cd "$sdir" && "$GB" repo stats "$rdir" -o "$sdir/out" > "$sdir/stats.log" 2>&1) || echo "repo stats failed for $r (see $sdir/stats.log)"
  done
  "$PY" "$HERE/tables.py" "$out" > "$out/results.md" && echo "tables: $out/results.md"
}

if [ "${1:-}" = "--table" ]; then
  OUT=${2:?usage: run.sh --table OUT_DIR}
  tables "$OUT"
  exit 0
fi

REPO=${1:?usage: run.sh REPO OUT_DIR}
OUT=${2:?usage: run.sh REPO OUT_DIR}
for f in "$GB" "$PY" "$GBROOT/tools/manual/bin/llsq" "$GBTOOLS/python/gradbench/gradbench/cpp.py"; do
  [ -e "$f" ] || { echo "missing $f: run eng/gradbench.sh setup first"; exit 1; }
done
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# Build GradGen's tool in a copy (nothing is written into the repository): the files of commit GRADGEN_REV, or the work
# tree as it is (without bin/ and obj/).
GRADGEN_BUILD=$OUT/gradgen-src
if [ ! -d "$GRADGEN_BUILD" ]; then
  mkdir -p "$GRADGEN_BUILD"
  if [ "$GRADGEN_REV" = worktree ]; then
    (cd "$REPO" && tar -c --exclude=./.git --exclude='bin' --exclude='obj' --exclude=./artifacts .) | tar -x -C "$GRADGEN_BUILD"
    echo "gradgen work tree of $REPO at $(git -C "$REPO" rev-parse HEAD) (with uncommitted changes: $(git -C "$REPO" status --porcelain | wc -l) paths)" > "$OUT/gradgen-commit.txt"
  else
    git -C "$REPO" archive "$GRADGEN_REV" | tar -x -C "$GRADGEN_BUILD"
    git -C "$REPO" log -1 --format='gradgen commit %H %s' "$GRADGEN_REV" > "$OUT/gradgen-commit.txt"
  fi
fi
dotnet build -c Release "$GRADGEN_BUILD/samples/GradGen.GradBench" > "$OUT/gradgen-build.log" 2>&1 \
  || { echo "dotnet build failed, see $OUT/gradgen-build.log"; exit 1; }

{
  echo "date: $(date -Is)"; echo "host: $(uname -a)"; echo "cpus: $(nproc)"; lscpu | grep -E 'Model name|^CPU\(s\)'
  echo "memory: $(free -g | awk '/^Mem/ { print $2 " GiB" }')"
  echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "dotnet: $(dotnet --version)"; echo "g++: $(g++ --version | head -1)"
  echo "python: $($PY -c 'import sys, numpy; print(sys.version.split()[0], "numpy", numpy.__version__)')"
  echo "gradbench: $(git -C "$GBROOT" rev-parse HEAD 2>/dev/null)"
  cat "$OUT/gradgen-commit.txt"
} >> "$OUT/machine.txt"

last=$((ROUND_START + ROUNDS - 1))
for ((r = ROUND_START; r <= last; r++)); do
  # Tools of one eval one after the other, so that what else runs on the machine affects both alike.
  for e in $EVALS; do
    for tool in $TOOLS; do supports "$tool" "$e" && run_one "$r" "$tool" "$e"; done
  done
  if [ "$r" = 1 ]; then
    for tool in $ONCE_TOOLS; do
      for e in $EVALS; do supports "$tool" "$e" && run_one "$r" "$tool" "$e"; done
    done
  fi
done

tables "$OUT"
