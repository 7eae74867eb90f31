#!/bin/sh
# `node` for linux-arm64 test children: the arm64 Node release under qemu-user, with the cross
# compiler's arm64 sysroot as its root for libraries. There is no binfmt_misc here, so this script is
# also what the children see as process.execPath (test/helpers/exec-path.js): a child that
# re-execs "node" (fork, spawn(process.execPath)) comes back here instead of exec'ing an arm64 file
# the kernel cannot run. test/helpers/runtime-linux-arm64.ts sets the variables.
#
# PREBUILDS_ONLY=1: node-gyp-build skips the host's build/Release (an x64 file) and loads
# prebuilds/linux-arm64. LD_LIBRARY_PATH: the arm64 libz.so.1 that Tencent's libImSDK_arm64.so needs.
# SAFETY: a child that loads Tencent's library is started as `unshare -n <this script>` by
# runtime-linux-arm64.ts (isolate), so qemu and everything it runs are in an empty network
# namespace; its own children (exec-path.js) stay inside it.
# --jitless: V8's compilers emit code that qemu must translate again; interpreting only starts Node
# in ~2.4 s instead of ~3.7 s and ran the 100,000-call stress child in 30 s instead of 45 s. It
# changes how V8 runs JavaScript, not the addon or what it is called with. --no-expose-wasm: the
# warning --jitless prints otherwise (WebAssembly needs a compiler).
# `exec` keeps this process's pid for the emulated Node, so the parent's child.pid is the child's.
: "${TIM_ARM64_NODE:?set by test/helpers/runtime-linux-arm64.ts}"
: "${TIM_ARM64_SYSROOT:?set by test/helpers/runtime-linux-arm64.ts}"
: "${TIM_ARM64_LIBRARY_PATH:?set by test/helpers/runtime-linux-arm64.ts}"
exec qemu-aarch64-static -L "$TIM_ARM64_SYSROOT" -E PREBUILDS_ONLY=1 -E "LD_LIBRARY_PATH=$TIM_ARM64_LIBRARY_PATH" "$TIM_ARM64_NODE" --jitless --no-expose-wasm "$@"
