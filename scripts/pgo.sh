#!/bin/sh
# pgo.sh: refreshes cmd/hindsight/default.pgo, the CPU profile that Go's
# compiler optimises hindsight for. `go build`, `go install` and `go run`
# of ./cmd/hindsight use it by themselves (profile-guided optimisation):
# builds and rebuilds take 5 to 8% less CPU (docs/performance.md). The
# profile is of the command itself on the 10,000-report corpus of
# ../shared/bench/mkcorpus.py, as the benchmark times it: two cold builds,
# a second build and three rebuilds after one new commit each. Refresh it
# when the build's hot code changes a good deal; a profile a little out of
# date still helps, and one that matches no code any more does nothing.
#
#   scripts/pgo.sh                  # REPORTS=1000 for a quicker, smaller corpus
set -eu
cd "$(dirname "$0")/.."
here=$(pwd)
n="${REPORTS:-10000}"
repo="${TMPDIR:-/tmp}/hindsight-corpus-$n" # as the generator's benchmarks make it
if [ ! -d "$repo/.git" ]; then
  rm -rf "$repo"
  python3 ../shared/bench/mkcorpus.py --reports "$n" --out "$repo" >/dev/null
fi
tmp=$(mktemp -d)
head=$(git -C "$repo" rev-parse HEAD)
trap 'git -C "$repo" reset -q --hard "$head"; rm -rf "$tmp"' EXIT
go build -pgo=off -o "$tmp/hindsight" ./cmd/hindsight
cd "$repo"
build() { # build NAME CACHE: one build, profiled into $tmp/NAME.pprof
  XDG_CACHE_HOME="$tmp/$2" "$tmp/hindsight" build --out "$tmp/out-$2" --force --now 2026-11-27 --cpuprofile "$tmp/$1.pprof" >/dev/null 2>&1
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
