// Preloaded (`NODE_OPTIONS=--require`) into Node processes whose Node children must run under qemu:
// points process.execPath, which fork() and spawn(process.execPath) use, at the launcher script
// named by TIM_EXEC_PATH (test/helpers/qemu-arm64-node.sh). Without binfmt_misc the kernel cannot
// exec the arm64 node binary itself. Set by test/helpers/runtime-linux-arm64.ts.
'use strict';
if (process.env.TIM_EXEC_PATH) process.execPath = process.env.TIM_EXEC_PATH;
