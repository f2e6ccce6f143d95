// harness.cpp — runs sha256_mine.cu's kernels on the CPU: every thread of a grid in turn.

#include "shim.h"

#include "../../sha256_mine.cu"

// Runs kernel mine_v<v> over `blocks` blocks of `threads` threads; -1 for a v without a kernel.
extern "C" int cpu_check_run(unsigned int v, const MineParams* params, unsigned int* out, unsigned int blocks,
                             unsigned int threads) {
    if (v < 3 || v > 12) return -1;
    gridDim = {blocks, 1, 1};
    blockDim = {threads, 1, 1};
    for (unsigned int b = 0; b < blocks; b++) {
        for (unsigned int t = 0; t < threads; t++) {
            blockIdx = {b, 0, 0};
            threadIdx = {t, 0, 0};
            switch (v) {
                case 3: mine_v3(*params, out); break;
                case 4: mine_v4(*params, out); break;
                case 5: mine_v5(*params, out); break;
                case 6: mine_v6(*params, out); break;
                case 7: mine_v7(*params, out); break;
                case 8: mine_v8(*params, out); break;
                case 9: mine_v9(*params, out); break;
                case 10: mine_v10(*params, out); break;
                case 11: mine_v11(*params, out); break;
                default: mine_v12(*params, out); break;
            }
        }
    }
    return 0;
}
