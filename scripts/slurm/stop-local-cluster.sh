#!/usr/bin/env bash
# Stops the one-node cluster start-local-cluster.sh started (the daemons named in its pid files, and
# only if those pids are still slurmd and slurmctld) and removes its folder, STATE_DIR.
set -euo pipefail
state="${STATE_DIR:-/tmp/harness-slurm}"
for daemon in slurmd slurmctld; do
  pidfile="$state/$daemon.pid"
  [ -f "$pidfile" ] || continue
  pid="$(cat "$pidfile")"
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$daemon" ] || continue # gone, or the pid is another program's now
  kill "$pid"
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
done
rm -rf "$state"
