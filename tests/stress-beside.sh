#!/usr/bin/env bash
# Run a command beside a bounded background load: one churn process per CPU,
# each mapping, dirtying and unmapping STRESS_MIB (256) MiB in a loop, as
# other work on a busy machine would. The load stops when the command ends
# (and by itself after STRESS_SECONDS, 900, whatever happens); the command's
# exit status is the script's.
#   tests/stress-beside.sh prove tests/integration/
set -u
here=$(cd "$(dirname "$0")" && pwd)
churn="$here/../build/tests/churn"
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }
[ -x "$churn" ] || { echo "$0: $churn is not built (make build/tests/churn)" >&2; exit 2; }
pids=()
stop() { [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null; }
trap stop EXIT
trap 'exit 130' INT TERM
for _ in $(seq "$(nproc)"); do
	(trap - EXIT INT TERM; exec "$churn" "${STRESS_SECONDS:-900}" "${STRESS_MIB:-256}" >/dev/null) &
	pids+=($!)
done
echo "stress-beside: ${#pids[@]} churn processes of ${STRESS_MIB:-256} MiB beside: $*"
"$@"
