#!/bin/sh
# pgo.sh: refreshes cmd/hindsight/default.pgo, the CPU profile that Go's
# compiler optimises hindsight for. `go build`, `go install` and `go run`
# of ./cmd/hindsight use it by themselves (profile-guided optimisation):
# a cold build takes about 5% less CPU, a rebuild after one commit up to
# 8% less (docs/performance.md). The profile is of the command itself on
# a clone of the 10,000-report corpus of ../shared/bench/mkcorpus.py, run
# as the benchmark runs it: two cold builds, a second build and three
# rebuilds after one new commit each. Refresh it when the build's hot code
# changes a good deal; a profile a little out of date still helps, and
# one that matches no code any more does nothing.
#
#   scripts/pgo.sh                  # REPORTS=1000 for a quicker, smaller corpus
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
n="${REPORTS:-10000}"
corpus="${TMPDIR:-/tmp}/hindsight-corpus-$n" # as the generator's benchmarks make it
if [ ! -d "$corpus/.git" ]; then
  rm -rf "$corpus"
  python3 ../shared/bench/mkcorpus.py --reports "$n" --out "$corpus" >/dev/null
fi
git clone -q "$corpus" "$tmp/repo" # the commits below go to the clone
go build -pgo=off -o "$tmp/hindsight" ./cmd/hindsight
here=$(pwd)
cd "$tmp/repo"
build() { # build NAME CACHE: one build, profiled into $tmp/NAME.pprof
  XDG_CACHE_HOME="$tmp/$2" "$tmp/hindsight" build --out "$tmp/out-$2" --force --now 2026-11-27 \
    --cpuprofile "$tmp/$1.pprof" >"$tmp/$1.log" 2>&1 || { tail -5 "$tmp/$1.log" >&2; exit 1; }
}
build cold1 a
build cold2 b
build second b
f=$(git ls-files 'docs/incident-reports/*.md' | awk 'NR == 1')
for k in 1 2 3; do
  echo "" >>"$f"
  git -c user.name=Bench -c user.email=bench@example.com commit -qam "bench: one more commit"
  build "rebuild$k" b
done
cd "$here"
go tool pprof -proto "$tmp"/*.pprof >"$tmp/default.pgo"
mv "$tmp/default.pgo" cmd/hindsight/default.pgo
echo "wrote cmd/hindsight/default.pgo" >&2
