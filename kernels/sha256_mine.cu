// sha256_mine.cu — Blockpeer's CUDA mining kernel: one SHA-256 compression per nonce.
//
// Compiled at run time by NVRTC (core/src/miner/cuda/compile.rs, embedded with include_str!)
// and, for the tests, as plain C++ on the CPU (kernels/cpu-check/ defines the CUDA words in a
// small shim). So: no headers, no standard library, plain `unsigned int`, and only the
// intrinsics the shim defines (__funnelshift_r, atomicAdd).
//
// The nonce layout is core/src/miner/layout.rs's: the nonce ends at byte 4(V+1) of the
// message's last 64-byte block; W_V holds its 4 low counter digits ("0000".."9999") and the
// digits before them (the chunk, 4 to 12 digits) end at word V-1. Everything after the nonce
// is padding: W_{V+1} = 0x80000000, zeros, W_15 = the length in bits. One kernel per V (3..12,
// the only values the layout produces), so every index below is a compile-time constant and
// every array lives in registers.
//
// Work: a launch covers `chunks` consecutive chunks of 10 000 nonces of one template. A unit
// is `per_thread` consecutive nonces of one chunk; threads take units grid-stride. Per unit a
// thread writes its chunk digits into W_{V-3..V-1}, runs rounds V-3..V-1 from the host's
// state after rounds 0..V-4, and sums the schedule terms that do not depend on W_V. Per nonce
// it runs rounds V..59, round 60 for e only (H7 = mid7 + e), and round 61 (for H6) only when
// H7 passes; the 4 low digits are incremented in place. A hit (H7 & mask_lo == 0 and
// H6 & mask_hi == 0) is appended to `out` through an atomic counter; the host rechecks each
// with the plain hash rule.

// What one launch needs (136 bytes); core/src/miner/cuda/params.rs mirrors it field by field.
struct MineParams {
    unsigned int state[8];    // SHA-256 state after rounds 0..V-4 of the last block
    unsigned int words[16];   // the last block: chunk digits all '0', W_V zero
    unsigned int mid6;        // midstate words 6 and 7, added to the final e values
    unsigned int mid7;
    unsigned int mask_hi;     // bits of H6 that must be zero
    unsigned int mask_lo;     // bits of H7 that must be zero
    unsigned int chunk_hi;    // index of the launch's first chunk, / 1 000 000
    unsigned int chunk_lo;    // ... and % 1 000 000
    unsigned int digits;      // chunk digits (4..12)
    unsigned int chunks;      // chunks in this launch
    unsigned int per_thread;  // nonces per unit (divides 10 000)
    unsigned int capacity;    // hit slots after out[0]
};

static_assert(sizeof(MineParams) == 136, "MineParams must match the host's #[repr(C)] struct");

__constant__ unsigned int K[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
    0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
    0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
    0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
};

__device__ __forceinline__ unsigned int rotr(unsigned int x, unsigned int n) { return __funnelshift_r(x, x, n); }
__device__ __forceinline__ unsigned int bsig0(unsigned int x) { return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22); }
__device__ __forceinline__ unsigned int bsig1(unsigned int x) { return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25); }
__device__ __forceinline__ unsigned int ssig0(unsigned int x) { return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3); }
__device__ __forceinline__ unsigned int ssig1(unsigned int x) { return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10); }
__device__ __forceinline__ unsigned int ch(unsigned int e, unsigned int f, unsigned int g) { return g ^ (e & (f ^ g)); }
__device__ __forceinline__ unsigned int maj(unsigned int a, unsigned int b, unsigned int c) {
    return (a & b) | (c & (a | b));
}

// One round; the shifts of s are register renames once unrolled.
__device__ __forceinline__ void sha_round(unsigned int s[8], unsigned int kw) {
    const unsigned int t1 = s[7] + bsig1(s[4]) + ch(s[4], s[5], s[6]) + kw;
    const unsigned int t2 = bsig0(s[0]) + maj(s[0], s[1], s[2]);
    s[7] = s[6];
    s[6] = s[5];
    s[5] = s[4];
    s[4] = s[3] + t1;
    s[3] = s[2];
    s[2] = s[1];
    s[1] = s[0];
    s[0] = t1 + t2;
}

// Bit i: whether schedule word W_i depends on message word W_v (evaluated at compile time).
__host__ __device__ constexpr unsigned long long depends_on(int v) {
    unsigned long long d = 1ull << v;
    for (int i = 16; i < 64; i++) {
        if (((d >> (i - 2)) | (d >> (i - 7)) | (d >> (i - 15)) | (d >> (i - 16))) & 1ull) {
            d |= 1ull << i;
        }
    }
    return d;
}

// W_i (i >= 16) from its precomputed part: adds the terms that depend on W_V.
template <unsigned long long DEP, int I>
__device__ __forceinline__ void finish_word(unsigned int x[62]) {
    if ((DEP >> I) & 1ull) {
        unsigned int sum = x[I];
        if ((DEP >> (I - 2)) & 1ull) sum += ssig1(x[I - 2]);
        if ((DEP >> (I - 7)) & 1ull) sum += x[I - 7];
        if ((DEP >> (I - 15)) & 1ull) sum += ssig0(x[I - 15]);
        if ((DEP >> (I - 16)) & 1ull) sum += x[I - 16];
        x[I] = sum;
    }
}

// Rounds I..59 with the schedule computed just in time (I >= 16).
template <unsigned long long DEP, int I>
__device__ __forceinline__ void rounds_from(unsigned int x[62], unsigned int r[8]) {
    if constexpr (I < 60) {
        finish_word<DEP, I>(x);
        sha_round(r, K[I] + x[I]);
        rounds_from<DEP, I + 1>(x, r);
    }
}

template <int V>
__device__ __forceinline__ void mine(const MineParams& p, unsigned int* out) {
    static_assert(V >= 3 && V <= 12, "the layout puts the low digits in W_3..W_12");
    constexpr unsigned long long DEP = depends_on(V);
    const unsigned int slices = 10000u / p.per_thread;
    const unsigned int units = p.chunks * slices;
    const unsigned int stride = gridDim.x * blockDim.x;
    for (unsigned int unit = blockIdx.x * blockDim.x + threadIdx.x; unit < units; unit += stride) {
        const unsigned int chunk_rel = unit / slices;
        const unsigned int lo_first = (unit - chunk_rel * slices) * p.per_thread;

        // The unit's block: template words, padding as constants, the chunk digits added.
        unsigned int w[62];
#pragma unroll
        for (int i = 0; i < 16; i++) {
            w[i] = i < V ? p.words[i] : i == V + 1 ? 0x80000000u : i == 15 ? p.words[15] : 0u;
        }
        unsigned int lo6 = p.chunk_lo + chunk_rel;
        const unsigned int hi6 = p.chunk_hi + lo6 / 1000000u;
        lo6 %= 1000000u;
        unsigned int rest = lo6;
#pragma unroll
        for (int k = 0; k < 12; k++) {
            if (k == 6) rest = hi6;
            if ((unsigned int)k < p.digits) w[V - 1 - k / 4] += (rest % 10u) << (8 * (k % 4));
            rest /= 10u;
        }

        // Rounds V-3..V-1, and round V up to its W_V term.
        unsigned int s[8];
#pragma unroll
        for (int i = 0; i < 8; i++) s[i] = p.state[i];
#pragma unroll
        for (int i = V - 3; i < V; i++) sha_round(s, K[i] + w[i]);
        const unsigned int t1_part = s[7] + bsig1(s[4]) + ch(s[4], s[5], s[6]) + K[V];
        const unsigned int t2 = bsig0(s[0]) + maj(s[0], s[1], s[2]);

        // Schedule words that do not depend on W_V; for those that do, their other terms.
#pragma unroll
        for (int i = 16; i < 62; i++) {
            unsigned int sum = 0;
            if (!((DEP >> (i - 2)) & 1ull)) sum += ssig1(w[i - 2]);
            if (!((DEP >> (i - 7)) & 1ull)) sum += w[i - 7];
            if (!((DEP >> (i - 15)) & 1ull)) sum += ssig0(w[i - 15]);
            if (!((DEP >> (i - 16)) & 1ull)) sum += w[i - 16];
            w[i] = sum;
        }

        // The 4 low digits of lo_first as a big-endian word.
        unsigned int word = ((0x30u + lo_first / 1000u) << 24) | ((0x30u + lo_first / 100u % 10u) << 16) |
                            ((0x30u + lo_first / 10u % 10u) << 8) | (0x30u + lo_first % 10u);
#pragma unroll 1
        for (unsigned int j = 0; j < p.per_thread; j++) {
            unsigned int x[62];
#pragma unroll
            for (int i = 0; i < 62; i++) x[i] = w[i];
            x[V] = word;
            const unsigned int t1 = t1_part + word;
            unsigned int r[8] = {t1 + t2, s[0], s[1], s[2], s[3] + t1, s[4], s[5], s[6]};
#pragma unroll
            for (int i = V + 1; i < 16; i++) sha_round(r, K[i] + x[i]);
            rounds_from<DEP, 16>(x, r);

            // Round 60's e gives H7; round 61's gives H6.
            finish_word<DEP, 60>(x);
            const unsigned int e60 = r[3] + r[7] + bsig1(r[4]) + ch(r[4], r[5], r[6]) + K[60] + x[60];
            if (((p.mid7 + e60) & p.mask_lo) == 0u) {
                finish_word<DEP, 61>(x);
                const unsigned int e61 = r[2] + r[6] + bsig1(e60) + ch(e60, r[4], r[5]) + K[61] + x[61];
                if (((p.mid6 + e61) & p.mask_hi) == 0u) {
                    const unsigned int slot = atomicAdd(&out[0], 1u);
                    if (slot < p.capacity) {
                        out[1 + 2 * slot] = chunk_rel;
                        out[2 + 2 * slot] = lo_first + j;
                    }
                }
            }

            // Next nonce: "0009" -> "0010" -> ... -> "0100"; a carry past '9' adds 0xf6 (256 - 10).
            word += 1u;
            if ((word & 0xffu) == 0x3au) {
                word += 0xf6u;
                if ((word & 0xff00u) == 0x3a00u) {
                    word += 0xf600u;
                    if ((word & 0xff0000u) == 0x3a0000u) word += 0xf60000u;
                }
            }
        }
    }
}

#define MINE_KERNEL(V) \
    extern "C" __global__ void mine_v##V(const MineParams p, unsigned int* out) { mine<V>(p, out); }

MINE_KERNEL(3)
MINE_KERNEL(4)
MINE_KERNEL(5)
MINE_KERNEL(6)
MINE_KERNEL(7)
MINE_KERNEL(8)
MINE_KERNEL(9)
MINE_KERNEL(10)
MINE_KERNEL(11)
MINE_KERNEL(12)
