//! The CUDA mining kernel (kernels/sha256_mine.cu) compiled as C++ and run on the CPU, one
//! thread of the grid at a time, so that tests check its logic on machines without a GPU.

use blockpeer_core::testing::cuda::MineParams;

unsafe extern "C" {
    /// harness.cpp: runs kernel `mine_v<v>` over a `blocks` × `threads` grid; -1 for a bad `v`.
    fn cpu_check_run(v: u32, params: *const MineParams, out: *mut u32, blocks: u32, threads: u32) -> i32;
}

/// What a grid reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hits {
    /// Hits the kernel counted (through its atomic), including any past the capacity.
    pub count: u32,
    /// The hits it stored, `(chunk offset in the launch, low counter 0..10 000)`, sorted.
    pub hits: Vec<(u32, u32)>,
}

/// Runs kernel `mine_v<v>` on `params` as a grid of `blocks` blocks of `threads` threads; `None`
/// when there is no kernel for `v` (only 3..=12 exist).
pub fn run_grid(v: usize, params: &MineParams, blocks: u32, threads: u32) -> Option<Hits> {
    let v = u32::try_from(v).ok()?;
    let mut out = vec![0u32; 1 + 2 * params.capacity as usize];
    // SAFETY: `params` is a live MineParams, the #[repr(C)] twin of the kernel's struct (the
    // kernel's static_assert and core's size check agree on 136 bytes), and `out` holds the
    // 1 + 2·capacity words the kernel may write; the harness keeps no pointer after returning.
    let status = unsafe { cpu_check_run(v, params, out.as_mut_ptr(), blocks, threads) };
    if status != 0 {
        return None;
    }
    let count = out[0];
    let stored = count.min(params.capacity) as usize;
    let mut hits: Vec<(u32, u32)> = out[1..1 + 2 * stored].chunks_exact(2).map(|pair| (pair[0], pair[1])).collect();
    hits.sort_unstable();
    Some(Hits { count, hits })
}
