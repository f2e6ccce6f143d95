// shim.h — the CUDA words sha256_mine.cu uses, for compiling it as plain C++ on the CPU.
//
// A grid runs one thread at a time (cpu_check_run in harness.cpp sets the indices), so the
// atomic is a plain read-modify-write; the indices are thread_local so that tests may run
// grids on several threads at once.

#pragma once

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __constant__ static const

struct Dim3 {
    unsigned int x, y, z;
};

static thread_local Dim3 threadIdx, blockIdx, blockDim, gridDim;

// The low 32 bits of (hi:lo) >> (shift mod 32), as CUDA's funnel shift.
inline unsigned int __funnelshift_r(unsigned int lo, unsigned int hi, unsigned int shift) {
    shift &= 31u;
    return shift == 0 ? lo : (lo >> shift) | (hi << (32u - shift));
}

inline unsigned int atomicAdd(unsigned int* address, unsigned int value) {
    const unsigned int old = *address;
    *address = old + value;
    return old;
}
