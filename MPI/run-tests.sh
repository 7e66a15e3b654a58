#!/usr/bin/env bash
# Builds the NACMPI package and runs its tests under `mpirun -np 2` on this machine (loopback
# only), then checks that a failing rank ends the job instead of hanging. Prints a final line
# `N passed, M failed` (the MPI tests plus the two failure-mode checks) and exits non-zero on
# any failure. Needs Open MPI: apt-get install -y libopenmpi-dev openmpi-bin.
#
#   MPI/run-tests.sh                 debug build (default)
#   CONFIGURATION=release MPI/run-tests.sh
set -uo pipefail
cd "$(dirname "$0")"
configuration="${CONFIGURATION:-debug}"
processes="${PROCESSES:-2}"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
# Open MPI refuses to run as root without these; CI containers run as root.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Loopback only: shared memory and self, no network interfaces probed.
mpi_flags=(--oversubscribe --mca btl self,vader -np "$processes")

swift build -c "$configuration" --product NACMPITests || { echo "0 passed, 1 failed"; exit 1; }
binary="$(swift build -c "$configuration" --show-bin-path)/NACMPITests"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
timeout 300 mpirun "${mpi_flags[@]}" "$binary" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)"
passed="${summary%% passed*}"
failed="$(echo "$summary" | sed -E 's/.* ([0-9]+) failed/\1/')"
if [ -z "$summary" ] || [ "$status" -ne 0 ]; then
    echo "mpirun exited with status $status (124 = timed out)"
    passed="${passed:-0}"
    failed=$(( ${failed:-0} + 1 ))
fi

# A failing rank must end the whole job, with its message, well within the bound.
check_failure_mode() {
    local mode="$1" pattern="$2" bound=60 start end code
    start=$(date +%s)
    timeout "$bound" mpirun "${mpi_flags[@]}" "$binary" "$mode" >"$log" 2>&1
    code=$?
    end=$(date +%s)
    if [ "$code" -ne 0 ] && [ "$code" -ne 124 ] && grep -q "$pattern" "$log"; then
        echo "PASS failure mode $mode: job ended with status $code after $((end - start)) s"
        grep -m1 "$pattern" "$log"
        passed=$((passed + 1))
    else
        echo "FAIL failure mode $mode: status $code after $((end - start)) s (124 = hung until the timeout)"
        cat "$log"
        failed=$((failed + 1))
    fi
}
check_failure_mode fail-abort "aborting the job: deliberate failure"
check_failure_mode fail-exit "exits without finalising"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
