# Shared by the 1,000,000-row benchmarks (validate-1m.sh, validate-1m-periods.sh, shift-1m.sh); source
# it from the repository root after setting site_name and site_args (bench/make-heart-site.py options
# beyond --rows, --seed and --out). It reads RUNS [3], ROWS [1000000] and WORK [a temporary folder,
# removed at the end unless given], generates the site once (seed 7: the same bytes every time), builds
# the CLI (Release, untimed), trains the model once on sites/heart/cleveland + hungary, and provides
# timed_run and medians besides bench/lib.sh's helpers (median among them). Timed runs call the built
# CLI directly: the launcher would rebuild inside a timed run if a source changed meanwhile.
source bench/lib.sh
runs="${RUNS:-3}"
rows="${ROWS:-1000000}"
work="${WORK:-$(mktemp -d)}"
mkdir -p "$work"
need_gnu_time

site="$work/$site_name-$rows"
heart_site "$site" "$rows" "${site_args[@]}"
build_cli
model="$work/model"
demo_model "$model"
echo "cores: $(nproc); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# timed_run NAME RUN ARGS...: `harness validate ARGS --out $work/out-NAME --force --device cpu`, its wall
# time and peak RSS (GNU time's "Maximum resident set size") printed and appended to $work/samples-NAME;
# the console output is kept in $work/console-NAME.txt.
timed_run() {
  local name="$1" run="$2"; shift 2
  local log="$work/time-$name-$run.txt" start end wall rss
  start=$(date +%s.%N)
  /usr/bin/time -v -o "$log" "${cli[@]}" validate "$@" --out "$work/out-$name" --force --device cpu >"$work/console-$name.txt"
  end=$(date +%s.%N)
  wall=$(awk -v a="$end" -v b="$start" 'BEGIN { printf "%.2f", a - b }')
  rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$log")
  echo "run $run $name: $wall s, peak RSS $rss MiB"
  echo "$wall $rss" >> "$work/samples-$name"
}

# medians NAME: "WALL RSS", the medians of this invocation's runs of NAME.
medians() {
  echo "$(tail -n "$runs" "$work/samples-$1" | cut -d' ' -f1 | median) $(tail -n "$runs" "$work/samples-$1" | cut -d' ' -f2 | median)"
}
