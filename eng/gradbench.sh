#!/usr/bin/env bash
# GradGen's GradBench tool against GradBench's hand-written C++ tool (`manual`) under GradBench's own harness: the
# `gradbench run` intermediary and GradBench's Python evals (which validate every response against `manual`), both
# tools on the same machine in the same run, then GradBench's scorer and tables of ratios and absolute times.
# A developer tool: not run by `dotnet test` or CI. See eng/gradbench/README.md.
#
# usage:
#   GRADBENCH_GIT=/path/gradbench.git ADBENCH_GIT=/path/ADBench.git eng/gradbench.sh setup
#        once per machine, as root, ~10 min: GradBench's CLI, evals and manual tool under /tmp (eng/gradbench/setup.sh)
#   eng/gradbench.sh run [OUT_DIR]
#        build the tool from this repository's HEAD (GRADGEN_REV=<commit> or GRADGEN_REV=worktree for another),
#        run every eval with gradgen and manual (ROUNDS=2; about an hour), write OUT_DIR/results.md
#        [default OUT_DIR: /tmp/gbresults/<date>-<commit>]
#   eng/gradbench.sh tables OUT_DIR
#        recompute the scores and OUT_DIR/results.md from the logs of a run
# Knobs (environment): ROUNDS, EVALS, TOOLS, ONCE_TOOLS, TIMEOUT, LOAD_MAX, WAIT_MAX, SKIP_DONE, and the set-up's
# paths GBROOT, GBTOOLS, GB, PY; documented at the top of eng/gradbench/run.sh.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)

case "${1:-}" in
  setup)
    exec bash "$HERE/gradbench/setup.sh"
    ;;
  run)
    rev=${GRADGEN_REV:-HEAD}
    tag=$([ "$rev" = worktree ] && echo worktree || git -C "$REPO" rev-parse --short "$rev")
    out=${2:-/tmp/gbresults/$(date +%Y%m%d-%H%M%S)-$tag}
    GRADGEN_REV=$rev exec bash "$HERE/gradbench/run.sh" "$REPO" "$out"
    ;;
  tables)
    exec bash "$HERE/gradbench/run.sh" --table "${2:?usage: eng/gradbench.sh tables OUT_DIR}"
    ;;
  *)
    sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
