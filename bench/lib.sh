# Helpers shared by the bench/ scripts (scale.sh, startup.sh, demo-load.sh, train-1m.sh, run-all.sh,
# and lib-1m.sh's scripts). Source it from the repository root; it defines functions and runs nothing.

# median: the median of the numbers on stdin, one a line (the mean of the middle two for an even count).
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# spread: "MIN MEDIAN MAX" of the numbers on stdin, one a line.
spread() { sort -g | awk '{ v[NR] = $1 } END { printf "%s %s %s\n", v[1], (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[NR] }'; }

# now, since START: wall-clock seconds as a number, and the seconds elapsed since an earlier `now`.
now() { date +%s.%N; }
since() { awk -v a="$(date +%s.%N)" -v b="$1" 'BEGIN { printf "%.3f", a - b }'; }

# load_average: the 1-, 5- and 15-minute load averages.
load_average() { cut -d' ' -f1-3 /proc/loadavg; }

need_gnu_time() { [ -x /usr/bin/time ] || { echo "error: /usr/bin/time (GNU time) is needed for the peak RSS" >&2; exit 1; }; }

# build_cli: builds the CLI (Release, through the launcher, untimed) and sets cli=(dotnet .../harness.dll).
# Timed runs call the built CLI directly: the launcher would rebuild inside a timed run if a source changed.
build_cli() {
  ./harness --help >/dev/null
  cli=(dotnet "$PWD/src/Cli/bin/Release/net10.0/harness.dll")
}

# build_floor: builds bench/ParseFloor (Release; not in Harness.sln) and sets floor=(dotnet .../ParseFloor.dll).
build_floor() {
  local log
  if ! log="$(dotnet build bench/ParseFloor/ParseFloor.csproj -c Release --nologo -v quiet 2>&1)"; then
    echo "$log" >&2; echo "error: building bench/ParseFloor failed (output above)" >&2; exit 1
  fi
  floor=(dotnet "$PWD/bench/ParseFloor/bin/Release/net10.0/ParseFloor.dll")
}

# heart_site DIR ROWS [MAKE-HEART-SITE ARGS...]: generates DIR/manifest.csv with bench/make-heart-site.py
# (seed 7: the same bytes every time) unless it is there already.
heart_site() {
  local dir="$1" rows="$2"; shift 2
  if [ ! -f "$dir/manifest.csv" ]; then
    echo "Generating $rows rows into $dir ..." >&2
    /usr/bin/python3 bench/make-heart-site.py --rows "$rows" --seed 7 "$@" --out "$dir"
  fi
}

# demo_model DIR: trains DIR/model.onnx on sites/heart/cleveland + hungary (the demo's training sites,
# default settings, CPU) unless it is there already. Needs build_cli first.
demo_model() {
  if [ ! -f "$1/model.onnx" ]; then
    echo "Training the model ..." >&2
    "${cli[@]}" train --site sites/heart/cleveland --site sites/heart/hungary --positive-class disease \
      --out "$1" --force --device cpu >/dev/null
  fi
}

# timed LOG COMMAND...: runs COMMAND under GNU time -v (its report in LOG) and sets wall (seconds, from
# `date` around it) and rss (peak resident set size, MiB: "Maximum resident set size"). COMMAND's exit
# status is returned; its output goes where the caller sends it.
timed() {
  local log="$1" start status=0; shift
  start=$(now)
  /usr/bin/time -v -o "$log" "$@" || status=$?
  wall=$(since "$start")
  rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$log")
  return "$status"
}
