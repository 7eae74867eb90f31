#!/bin/sh
# `node` for the Node children of a host process under TIM_TEST_RUNTIME=win32-x64 (the demo's
# clients): node.exe under Wine, in the shared prefix, loading prebuilds/win32-x64. It is what the
# host parent sees as process.execPath (test/helpers/exec-path.js); test/helpers/runtime-win32-x64.ts
# `hostParentEnv()` sets the variables and starts the shared wineserver.
#
# node.exe under Wine cannot use Unix pipes as stdio (libuv: EBADF), and this script's own stdio may
# well be pipes, so node.exe gets /dev/null and two files; once it has exited, their contents are
# copied to this script's stdout and stderr and the script exits with node.exe's code. So a child's
# output still reaches its parent, only after the child has ended. No `exec`: this script outlives
# node.exe to copy the files; a SIGTERM or SIGINT it receives is passed on to node.exe (SIGKILL
# cannot be, so a parent that kills its children this way also closes their channels).
#
# NODE_OPTIONS: the host's value carries the exec-path preload, which is for host Node; node.exe
# gets the value from before the runtime added it (TIM_WINE_NODE_OPTIONS), so its own children are
# node.exe again. PREBUILDS_ONLY=1: node-gyp-build skips the host's build/ and loads
# prebuilds/win32-x64, as on a user's machine.
: "${TIM_WINE_LOADER:?set by test/helpers/runtime-win32-x64.ts}"
: "${TIM_WINE_NODE_EXE:?set by test/helpers/runtime-win32-x64.ts}"
: "${WINEPREFIX:?set by test/helpers/runtime-win32-x64.ts}"
if [ -n "${TIM_WINE_NODE_OPTIONS:-}" ]; then
  NODE_OPTIONS=$TIM_WINE_NODE_OPTIONS
  export NODE_OPTIONS
else
  unset NODE_OPTIONS
fi
unset TIM_EXEC_PATH
PREBUILDS_ONLY=1
export PREBUILDS_ONLY

# The files are removed at once, open (written by node.exe, read back here): nothing is left behind,
# even when this script is killed.
dir=$(mktemp -d "${TMPDIR:-/tmp}/tim-wine-node.XXXXXX") || exit 1
exec 3>"$dir/stdout" 4<"$dir/stdout" 5>"$dir/stderr" 6<"$dir/stderr"
rm -rf "$dir"
"$TIM_WINE_LOADER" "$TIM_WINE_NODE_EXE" "$@" </dev/null >&3 2>&5 3>&- 4<&- 5>&- 6<&- &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM INT HUP
# `wait` returns early (status > 128) when a trapped signal arrives: wait until node.exe is gone.
while :; do
  wait "$child"
  code=$?
  kill -0 "$child" 2>/dev/null || break
done
# A parent that stopped reading (a closed pipe) ends the copy, not the script: the exit code stands.
trap '' PIPE
cat <&4 2>/dev/null
cat <&6 >&2 2>/dev/null
exit "$code"
