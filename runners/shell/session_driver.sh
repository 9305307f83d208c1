# Runs the shell blocks of one page session in one bash, as a reader pastes them into one terminal:
# variables, functions and the working directory carry over from block to block.
#
# Usage: bash session_driver.sh MARK DIR LIMIT COUNT [TEARDOWN...]
# Cells are DIR/1.sh .. DIR/COUNT.sh; TEARDOWN are the numbers of teardown cells. Each cell is sourced
# with `set -e` (the first failing command fails it, as `bash -e` fails a lone block), its stdout and
# stderr on files. For each cell that ran, one line on the original stdout:
#   MARK CELL START END EXIT -BASE64(STDOUT) -BASE64(STDERR) TRUNCATED
# (times: seconds since the epoch; each output after a `-`, so never an empty field; at most LIMIT bytes of each stream). After a failing cell the shell
# exits (errexit); only the teardown cells after it run then, each in a subshell that sees the variables.

__harness_mark=$1 __harness_dir=$2 __harness_limit=$3 __harness_count=$4
shift 4
__harness_teardown=" $* "
__harness_current=0
__harness_start=
exec 3>&1

__harness_now() { local t=$EPOCHREALTIME; printf '%s' "${t/,/.}"; }

__harness_report() {  # cell exit start
    local out="$__harness_dir/$1.out" err="$__harness_dir/$1.err" cut=0
    { [ "$(wc -c <"$out")" -gt "$__harness_limit" ] || [ "$(wc -c <"$err")" -gt "$__harness_limit" ]; } && cut=1
    printf '%s %s %s %s %s -%s -%s %s\n' "$__harness_mark" "$1" "$3" "$(__harness_now)" "$2" \
        "$(head -c "$__harness_limit" "$out" | base64 -w0)" "$(head -c "$__harness_limit" "$err" | base64 -w0)" \
        "$cut" >&3
}

__harness_finish() {  # on exit: the failing cell's report, then the teardown cells it skipped
    local status=$? cell start
    trap - EXIT
    set +e
    [ "$__harness_current" -gt 0 ] && __harness_report "$__harness_current" "$status" "$__harness_start"
    for ((cell = __harness_current + 1; cell <= __harness_count; cell++)); do
        [[ $__harness_teardown == *" $cell "* ]] || continue
        start=$(__harness_now)
        ( set -e; source "$__harness_dir/$cell.sh" ) >"$__harness_dir/$cell.out" 2>"$__harness_dir/$cell.err"
        __harness_report "$cell" "$?" "$start"
    done
    exit 0
}

trap __harness_finish EXIT
set -e
for ((__harness_cell = 1; __harness_cell <= __harness_count; __harness_cell++)); do
    __harness_current=$__harness_cell
    __harness_start=$(__harness_now)
    source "$__harness_dir/$__harness_cell.sh" >"$__harness_dir/$__harness_cell.out" 2>"$__harness_dir/$__harness_cell.err"
    __harness_report "$__harness_cell" 0 "$__harness_start"
done
trap - EXIT
