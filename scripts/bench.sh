#!/usr/bin/env bash
# Reproducible build benchmark: makes synthetic repositories with
# ../shared/bench/mkcorpus.py (1,000, 10,000 and 30,000 reports by
# default), then times cold builds (no caches, no earlier output: COLD
# of them, 3 by default, each into a folder of its own; the median is
# given with the range, and the median CPU time, user and system), a
# second build (whose folder to render into is new: it copies the
# unchanged report pages from the first), a rebuild with nothing changed,
# rebuilds after one new commit each, and a build as CI makes it (the caches
# restored, every file checked out anew, no output folder), and records
# peak memory.
#
#   scripts/bench.sh                 # 1000 10000 30000
#   scripts/bench.sh 1000 10000      # chosen sizes
#   BENCH_DIR=/var/tmp/hb scripts/bench.sh
#   HUGO=/path/to/hugo scripts/bench.sh   # also time Hugo on the same files
#   SETTLE=10 scripts/bench.sh       # seconds of idle disk before each build (5)
#   COLD=5 scripts/bench.sh          # cold builds per size (3)
#   ONE=5 scripts/bench.sh           # rebuilds after one new commit per size (3)
#   KEEP=1 scripts/bench.sh          # keep every build's site, not just the first's
#   GROWTH=5 scripts/bench.sh        # also 5 rounds of cold builds, sizes interleaved
#
# GROWTH=R adds R rounds after the table, each a cold build of every size
# in turn (up in odd rounds, down in even ones), and a second table of
# how cost grows with the reports: the median and range of each round's
# ratios, so that the machine's drift, which is large over the minutes
# between sizes, lands on all sizes of a round alike; and a third table
# with every round's times. CPU time is also split into the build's own
# (user) and the kernel's on its behalf (system): page faults, files,
# and on a virtual machine the host's price for memory, which grows
# faster than the work when a larger build touches more of it.
#
# With Hugo (HUGO, else hugo on PATH) it also times a cold Hugo build of
# the same reports with git info (enableGitInfo), through the smallest
# layouts that show each report and the lists, and prints the ratio.
# Hugo 0.160 builds from the module proxy:
#   GOBIN=/tmp/hugo-bin go install github.com/gohugoio/hugo@v0.160.0
#
# Prints a Markdown table for docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ "${#sizes[@]}" -gt 0 ] || sizes=(1000 10000 30000)
dir="${BENCH_DIR:-${TMPDIR:-/tmp}/hindsight-bench}"
mkcorpus="${MKCORPUS:-../shared/bench/mkcorpus.py}"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd) # the builds run from inside the corpora
bin="${HINDSIGHT_BIN:-$dir/hindsight}"
[ -n "${HINDSIGHT_BIN:-}" ] || go build -o "$bin" ./cmd/hindsight

hugo="${HUGO:-$(command -v hugo || true)}"
if [ -n "$hugo" ]; then
  mkdir -p "$dir/hugo/layouts/_default"
  cat >"$dir/hugo/hugo.toml" <<'EOF'
baseURL = "https://example.org/"
title = "Incident reports"
contentDir = "docs/incident-reports"
enableGitInfo = true
EOF
  cat >"$dir/hugo/layouts/_default/single.html" <<'EOF'
<!doctype html><html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>
<p>{{ .Lastmod.Format "2006-01-02" }}{{ with .GitInfo }} · {{ .AuthorName }} · {{ .AbbreviatedHash }}{{ end }}</p>
{{ .Content }}</body></html>
EOF
  cat >"$dir/hugo/layouts/_default/list.html" <<'EOF'
<!doctype html><html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Lastmod.Format "2006-01-02" }}</li>{{ end }}</ul></body></html>
EOF
fi

# measure [DIR...] -- CMD...: prints "seconds peak-MB CPU-seconds
# user-seconds system-seconds" of one
# run of CMD. The DIRs are the folders CMD writes that no later build
# reads: once CMD is done, their files leave the page cache (see release).
measure() {
  local t line folders=()
  while [ "$1" != -- ]; do
    folders+=("$1")
    shift
  done
  shift
  # Every timed build starts with the disk idle: the writeback of the
  # previous build's few hundred megabytes would otherwise land on it.
  sync
  sleep "${SETTLE:-5}"
  t=$(mktemp)
  /usr/bin/time -f '%e %M %U %S' -o "$t" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; tail -1 "$t" >&2; }
  line=$(tail -1 "$t" | awk '{printf "%.2f %d %.2f %.2f %.2f", $1, $2/1024, $3 + $4, $3, $4}')
  rm -f "$t"
  # Before the result: the caller reads it and goes on to the next build.
  [ "${#folders[@]}" -eq 0 ] || release "${folders[@]}"
  echo "$line"
}

# release DIR...: writes DIR's files out and drops them from the page
# cache. Every build thus starts with as much free memory as the first,
# as on a fresh CI machine. Kept, the sites of the runs before (1.4 GB
# each at 30,000 reports) fill memory within a few runs; from then on the
# kernel reclaims it while the build runs, on the same two cores: the
# build's system time went from 4.2-5.0 s to 7.4-9.4 s at 30,000 reports,
# more the more memory a build takes.
release() {
  sync
  python3 - "$@" <<'PY'
import os, sys
for top in sys.argv[1:]:
    for d, _, files in os.walk(top):
        for f in files:
            try:
                fd = os.open(os.path.join(d, f), os.O_RDONLY | os.O_NOFOLLOW)
            except OSError:
                continue
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            os.close(fd)
PY
}

# Outputs of earlier runs are moved aside, not deleted, and go only when
# the script ends: ext4 without a journal (as on these machines) does not
# reuse an inode for 60 s after its file was deleted (300 s until the
# deletion is written), and every new file's inode is found by scanning
# past those, so a build that writes tens of thousands of files in the
# minutes after such a deletion spends seconds in the kernel. The extra
# cold builds, the CI builds and the growth rounds leave a site each,
# some 20 GB at 30,000 reports; they go at the end too (KEEP=1 keeps
# them). A run should thus not follow another within a few minutes.
trash="$dir/.trash.$$"
mkdir "$trash"
for p in "$dir"/.trash.*; do
  [ "$p" = "$trash" ] || mv "$p" "$trash/"
done
for n in "${sizes[@]}"; do
  for p in "$dir/cache-$n" "$dir/out-$n" "$dir/.out-$n".* "$dir/hugo-out-$n" "$dir/hugo-cache-$n" "$dir/cold-$n-"* "$dir/growth-$n-"* "$dir/ci-$n"; do
    [ ! -e "$p" ] || mv "$p" "$trash/"
  done
done
sync
sleep 5
cleanup() {
  [ -n "${KEEP:-}" ] || rm -rf "$dir"/cold-* "$dir"/growth-* "$dir"/ci-*
  rm -rf "$trash"
}
trap cleanup EXIT

echo "| reports | commits | cold build, median (range) | CPU | peak MB | second build | rebuild, nothing changed | rebuild after one commit, median (range) | peak MB | CI build, caches restored | git log -M | Hugo, git info | peak MB | Hugo ÷ cold build |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
  repo="$dir/corpus-$n"
  if [ ! -d "$repo/.git" ]; then
    rm -rf "$repo" "$repo.expected.json"
    python3 "$mkcorpus" --reports "$n" --out "$repo" >/dev/null
  fi
  commits=$(git -C "$repo" rev-list --count HEAD)
  cache="$dir/cache-$n"
  build=("$bin" build --out "$dir/out-$n" --force --now 2026-11-27)
  export XDG_CACHE_HOME="$cache"
  cd "$repo"
  read -r cold cold_mb cpu _ < <(measure -- "${build[@]}")
  # More cold builds, each with a cache and an output folder of its own.
  colds=("$cold") cpus=("$cpu")
  for k in $(seq 2 "${COLD:-3}"); do
    read -r c mb cpu _ < <(measure "$dir/cold-$n-$k" -- env XDG_CACHE_HOME="$dir/cold-$n-$k/cache" "$bin" build --out "$dir/cold-$n-$k/out" --force --now 2026-11-27)
    colds+=("$c") cpus+=("$cpu")
    cold_mb=$((mb > cold_mb ? mb : cold_mb))
  done
  # In the order they ran (on stderr): the first follows the deletions
  # above, the others a release of the site before them.
  echo "$n reports: cold builds ${colds[*]} s" >&2
  cold=$(printf '%s\n' "${colds[@]}" | sort -n | awk '{v[NR] = $1} END {m = v[int((NR + 1) / 2)]; if (NR > 1) printf "%.2f s (%.2f–%.2f)", m, v[1], v[NR]; else printf "%.2f s", m}')
  cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{v[NR] = $1} END {printf "%.1f s", v[int((NR + 1) / 2)]}')
  read -r second _ < <(measure -- "${build[@]}")
  read -r same _ < <(measure -- "${build[@]}")
  # One new commit at a time, each an edit to one report: ONE rebuilds
  # (3 by default), the median given with the range.
  f=$(git ls-files 'docs/incident-reports/*.md' | awk 'NR == 1')
  ones=() one_mb=0
  for k in $(seq 1 "${ONE:-3}"); do
    echo "" >>"$f"
    git -c user.name=Bench -c user.email=bench@example.com commit -qam "bench: one more commit"
    read -r o mb _ < <(measure "$dir/out-$n" "$dir/.out-$n.prev" -- "${build[@]}")
    ones+=("$o")
    one_mb=$((mb > one_mb ? mb : one_mb))
  done
  one=$(printf '%s\n' "${ones[@]}" | sort -n | awk '{v[NR] = $1} END {m = v[int((NR + 1) / 2)]; if (NR > 1) printf "%.2f s (%.2f–%.2f)", m, v[1], v[NR]; else printf "%.2f s", m}')
  git reset -q --hard HEAD~"${ONE:-3}"
  # CI: a fresh clone's files are all new to the caches, and its index
  # matches them; the site goes to a folder that is not there yet.
  git ls-files -z | xargs -0 touch
  git update-index -q --refresh
  read -r ci _ < <(measure "$dir/ci-$n" -- "$bin" build --out "$dir/ci-$n/out" --force --now 2026-11-27)
  read -r gitlog _ < <(measure -- git log -M --name-status -- docs/incident-reports)
  hugo_s="" hugo_mb="" ratio=""
  if [ -n "$hugo" ]; then
    sync
    read -r hugo_s hugo_mb _ < <(measure "$dir/hugo-out-$n" "$dir/hugo-cache-$n" -- "$hugo" --source . --config "$dir/hugo/hugo.toml" --layoutDir "$dir/hugo/layouts" \
      --destination "$dir/hugo-out-$n" --cacheDir "$dir/hugo-cache-$n" --quiet)
    ratio=$(awk -v h="$hugo_s" -v c="${cold%% s*}" 'BEGIN { printf "%.1f", h / c }')
    hugo_s="$hugo_s s"
  fi
  cd - >/dev/null
  unset XDG_CACHE_HOME
  echo "| $n | $commits | ${cold} | $cpu | $cold_mb | ${second} s | ${same} s | ${one} | $one_mb | ${ci} s | ${gitlog} s | $hugo_s | $hugo_mb | $ratio |"
done

rounds="${GROWTH:-0}"
[ "$rounds" -gt 0 ] || exit 0
declare -A gwall gcpu guser gsys
for r in $(seq 1 "$rounds"); do
  # Odd rounds go from the smallest size up, even ones back down: on
  # these machines memory freed a moment before is much faster to use
  # than idle memory (see docs/performance.md), so each size is timed
  # after smaller builds and after larger ones.
  k=${#sizes[@]}
  for j in $(seq 0 $((k - 1))); do
    if ((r % 2)); then n=${sizes[$j]}; else n=${sizes[$((k - 1 - j))]}; fi
    g="$dir/growth-$n-$r"
    cd "$dir/corpus-$n"
    read -r s _ c u y < <(measure "$g" -- env XDG_CACHE_HOME="$g/cache" "$bin" build --out "$g/out" --force --now 2026-11-27)
    cd - >/dev/null
    gwall[$n,$r]=$s gcpu[$n,$r]=$c guser[$n,$r]=$u gsys[$n,$r]=$y
  done
done
# spread UNIT VALUES... prints the median and range of the values.
spread() { local u=$1; shift; printf '%s\n' "$@" | sort -g | awk -v u="$u" '{v[NR] = $1} END {printf "%.2f%s (%.2f–%.2f)", v[int((NR + 1) / 2)], u, v[1], v[NR]}'; }
echo
echo "| reports | cold build, median (range) | CPU | ms per report | ÷ ${sizes[0]} reports | CPU ÷ ${sizes[0]} reports | ÷ previous size | CPU ÷ previous size | user CPU ÷ previous size | system CPU ÷ previous size |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
prev=""
for n in "${sizes[@]}"; do
  ws=() cs=() ms=() rw=() rc=() pw=() pc=() pu=() py=()
  for r in $(seq 1 "$rounds"); do
    ws+=("${gwall[$n,$r]}") cs+=("${gcpu[$n,$r]}")
    ms+=("$(awk -v s="${gwall[$n,$r]}" -v n="$n" 'BEGIN {print s * 1000 / n}')")
    rw+=("$(awk -v a="${gwall[$n,$r]}" -v b="${gwall[${sizes[0]},$r]}" 'BEGIN {print a / b}')")
    rc+=("$(awk -v a="${gcpu[$n,$r]}" -v b="${gcpu[${sizes[0]},$r]}" 'BEGIN {print a / b}')")
    if [ -n "$prev" ]; then
      pw+=("$(awk -v a="${gwall[$n,$r]}" -v b="${gwall[$prev,$r]}" 'BEGIN {print a / b}')")
      pc+=("$(awk -v a="${gcpu[$n,$r]}" -v b="${gcpu[$prev,$r]}" 'BEGIN {print a / b}')")
      pu+=("$(awk -v a="${guser[$n,$r]}" -v b="${guser[$prev,$r]}" 'BEGIN {print a / b}')")
      py+=("$(awk -v a="${gsys[$n,$r]}" -v b="${gsys[$prev,$r]}" 'BEGIN {print a / b}')")
    fi
  done
  row="| $n | $(spread " s" "${ws[@]}") | $(spread " s" "${cs[@]}")"
  row+=" | $(spread "" "${ms[@]}") | $(spread "" "${rw[@]}") | $(spread "" "${rc[@]}")"
  if [ -n "$prev" ]; then
    row+=" | $(spread "" "${pw[@]}") | $(spread "" "${pc[@]}") | $(spread "" "${pu[@]}") | $(spread "" "${py[@]}") |"
  else
    row+=" | | | | |"
  fi
  echo "$row"
  prev=$n
done
# Each round's times, in the order they were built.
echo
echo "| round | order | $(printf '%s reports | ' "${sizes[@]}" | sed 's/ | $//') |"
echo "|---:|---|$(printf -- '---:|%.0s' "${sizes[@]}")"
for r in $(seq 1 "$rounds"); do
  order=up
  ((r % 2)) || order=down
  row="| $r | $order |"
  for n in "${sizes[@]}"; do
    row+=" ${gwall[$n,$r]} s ($(awk -v c="${gcpu[$n,$r]}" -v u="${guser[$n,$r]}" -v y="${gsys[$n,$r]}" 'BEGIN {printf "%.2f CPU: %.2f user, %.2f system", c, u, y}')) |"
  done
  echo "$row"
done
