// Preloaded (`NODE_OPTIONS=--require`) into host Node processes whose Node children must run on
// another platform's Node: points process.execPath, which fork() and spawn(process.execPath) use,
// at the launcher script named by TIM_EXEC_PATH (test/helpers/qemu-arm64-node.sh: without
// binfmt_misc the kernel cannot exec the arm64 node binary itself; test/helpers/wine-node.sh:
// node.exe runs under Wine). Set by the runtimes' `hostParentEnv()`.
'use strict';
if (process.env.TIM_EXEC_PATH) process.execPath = process.env.TIM_EXEC_PATH;
