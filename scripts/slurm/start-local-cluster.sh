#!/usr/bin/env bash
# Starts a one-node Slurm cluster on this machine, for trying and testing the job scripts beside this
# file (not for production). Everything lives in one folder, STATE_DIR (default /tmp/harness-slurm):
# slurm.conf, the daemons' state, spool, logs and pid files. Then:
#   export SLURM_CONF=/tmp/harness-slurm/slurm.conf    # the script prints this line
#   sinfo; sbatch ...; scripts/slurm/stop-local-cluster.sh
# Needs root (the daemons run as root; apt-get installs slurmctld, slurmd and slurm-client when absent).
# Authentication is auth/none where this Slurm has it (22.05 does; only sensible on a single machine),
# else (or with LOCAL_AUTH=munge) munge, whose daemon it starts if none runs (and leaves running).
# No cgroups: processes are tracked through /proc (proctrack/linuxproc), no task plugin, so it works
# in containers and VMs without systemd or a writable cgroup tree.
# Ports 16817/16818 (SLURMCTLD_PORT, SLURMD_PORT), not Slurm's defaults, so a real installation is untouched.
set -euo pipefail

state="${STATE_DIR:-/tmp/harness-slurm}"
ctld_port="${SLURMCTLD_PORT:-16817}"
slurmd_port="${SLURMD_PORT:-16818}"

if [ "$(id -u)" -ne 0 ]; then
  echo "error: run as root (the local cluster's daemons run as root)." >&2
  exit 1
fi
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null; then
  echo "Installing slurmctld, slurmd and slurm-client (Debian's packages)..." >&2
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends slurmctld slurmd slurm-client >/dev/null
fi

if [ "${LOCAL_AUTH:-}" != munge ] && compgen -G "/usr/lib/*/slurm-wlm/auth_none.so" >/dev/null \
   && compgen -G "/usr/lib/*/slurm-wlm/cred_none.so" >/dev/null; then
  auth=auth/none cred=cred/none
else
  auth=auth/munge cred=cred/munge
  if ! command -v munged >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends munge >/dev/null
  fi
  if ! pgrep -x munged >/dev/null; then
    mkdir -p /run/munge && chown munge:munge /run/munge
    runuser -u munge -- munged
  fi
fi

# A cluster already running from this folder is stopped first.
"$(dirname "$0")/stop-local-cluster.sh" >/dev/null 2>&1 || true
mkdir -p "$state/ctld" "$state/spool"

host="$(hostname -s)"
cpus="$(nproc)"
memory_mb="$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)"
cat >"$state/slurm.conf" <<CONF
# Written by scripts/slurm/start-local-cluster.sh: one node, this machine.
ClusterName=harness-local
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=$auth
CredType=$cred
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
# Cores only: array tasks share the memory, as on most clusters.
SelectTypeParameters=CR_Core
ReturnToService=2
# Seconds between a job's SIGTERM (time limit, scancel) and its SIGKILL: Slurm's default.
KillWait=30
# Enforce time limits promptly (slurmctld checks them about every 30 s).
OverTimeLimit=0
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory_mb State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF

export SLURM_CONF="$state/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"

# Ready when the node is idle (or mixed/allocated by jobs of an earlier run).
for _ in $(seq 60); do
  if sinfo -h -N -o '%T' 2>/dev/null | grep -q -E '^(idle|mixed|allocated)'; then
    echo "export SLURM_CONF=$SLURM_CONF"
    exit 0
  fi
  sleep 0.5
done
echo "error: the local Slurm cluster did not come up within 30 s. Its logs:" >&2
tail -n 20 "$state/slurmctld.log" "$state/slurmd.log" >&2 || true
sinfo -N >&2 || true
exit 1
