#!/usr/bin/env bash
# A/B: the same criterion benchmarks of two commits, run alternately on this machine, so that a
# ratio of medians is read from one sitting (the machines are shared and noisy; two runs an hour
# apart are not comparable).
#
#   bench/ab.sh OLD_REV NEW_REV [FILTER] [ROUNDS]
#
# FILTER is criterion's regular expression (default: `authorize/compiled/(ecs|drawn-1000)$`),
# ROUNDS how many times each side runs (default 3, in the order old, new, old, new, ...). Each
# commit is checked out in a temporary worktree beside the repository (so `../shared` resolves
# as it does for the checkout) and its `iamc` bench built in release; a commit from before the
# bench crate (`bench/`) is built as `cargo bench --bench iamc`. Prints every median and, per
# benchmark, the median of the rounds' medians of each side and their ratio new/old.
set -euo pipefail
cd "$(dirname "$0")/.."
old=${1:?usage: bench/ab.sh OLD_REV NEW_REV [FILTER] [ROUNDS]}
new=${2:?usage: bench/ab.sh OLD_REV NEW_REV [FILTER] [ROUNDS]}
filter=${3:-'authorize/compiled/(ecs|drawn-1000)$'}
rounds=${4:-3}
work=$(mktemp -d "$PWD/../iamc-ab.XXXXXX")
trap 'git worktree remove --force "$work/old" 2>/dev/null; git worktree remove --force "$work/new" 2>/dev/null; rm -rf "$work"' EXIT

build() { # REV DIR -> prints the path of the bench executable
    git worktree add --quiet --detach "$2" "$1"
    local args=(--bench iamc --no-run --message-format=json)
    [ -f "$2/bench/Cargo.toml" ] && args=(-p iamc-bench "${args[@]}")
    (cd "$2" && cargo bench "${args[@]}" 2>/dev/null) |
        sed -n 's/.*"executable":"\([^"]*\)".*"fresh".*/\1/p; s/.*"executable":"\([^"]*\)".*/\1/p' |
        tail -n 1
}
old_bin=$(build "$old" "$work/old")
new_bin=$(build "$new" "$work/new")

for ((i = 1; i <= rounds; i++)); do
    for side in old new; do
        bin=${side}_bin
        (cd "$work/$side" && "${!bin}" --bench "$filter" 2>/dev/null) |
            awk -v side="$side" '
                /^[a-z]/ && !/^set / && !/time:/ { name = $1 }
                /time:/ && $1 != "time:" { name = $1 }
                /time:/ && !/%/ { for (f = 1; f <= NF; f++) if ($f ~ /^\[/) { print side, name, $(f + 2), $(f + 3); break } }'
    done
done | tee "$work/medians"

echo
echo "median of medians (new/old):"
awk '
    function tons(v, u) { return u == "ps" ? v / 1000 : u == "ns" ? v : u == "µs" ? v * 1000 : u == "ms" ? v * 1e6 : v * 1e9 }
    { m[$2, $1] = m[$2, $1] " " tons($3, $4); names[$2] = 1 }
    function med(s,   a, n, i, j, t) {
        n = split(s, a, " ")
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    END { for (k in names) { o = med(m[k, "old"]); n = med(m[k, "new"]); printf "%-40s old %10.1f ns  new %10.1f ns  ratio %.3f\n", k, o, n, n / o } }' "$work/medians"
