//! CUDA mining: the kernel of `kernels/sha256_mine.cu` on an NVIDIA GPU.
//!
//! Nothing here is linked against CUDA. cudarc loads the driver (`libcuda.so.1`) and NVRTC
//! (`libnvrtc.so.13` or `.12`) when mining starts, so the same binary runs on machines without
//! either; then [`CudaMiner`] reports [`CudaState::Failed`] with the reason and the engine mines
//! on the CPU. The pieces: `library.rs` finds the libraries (cudarc panics on a missing one, so
//! they are checked first), `compile.rs` compiles the embedded kernel with NVRTC for the
//! device's compute capability, `params.rs` builds each launch's parameters (the host's share
//! of the compression), `device.rs` owns the GPU and its launch slots, `worker.rs` is the
//! thread, `feed.rs` its loop that keeps two launches in flight, and `bench.rs` measures it.

mod bench;
mod compile;
mod device;
mod feed;
mod library;
pub(crate) mod params;
mod worker;

pub use bench::{CudaBenchReport, run_cuda_bench};
pub use compile::compile_ptx;
pub use library::{NVRTC_ENV, load_nvrtc};
pub use worker::{CudaMiner, CudaState};

#[cfg(feature = "testing")]
pub(crate) use super::kernel::{Backend, Chunk};
#[cfg(feature = "testing")]
pub(crate) use super::layout::CHUNK;

use std::panic::{AssertUnwindSafe, catch_unwind};
use thiserror::Error;

/// Why CUDA mining is not available.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum CudaError {
    /// The NVIDIA driver's library could not be loaded.
    #[error("no NVIDIA driver (libcuda.so.1 could not be loaded)")]
    NoDriver,
    /// The driver found no CUDA device.
    #[error("the NVIDIA driver reports no CUDA device")]
    NoDevice,
    /// NVRTC, the run-time compiler, is not installed where it can be found.
    #[error(
        "NVRTC, CUDA's run-time compiler, was not found (libnvrtc.so.13 or libnvrtc.so.12): install the \
         CUDA toolkit, or `pip install nvidia-cuda-nvrtc-cu12` and set {NVRTC_ENV} to its lib folder"
    )]
    NoNvrtc,
    /// The NVRTC library named by [`NVRTC_ENV`] (or found in a toolkit folder) did not load.
    #[error("cannot load NVRTC from {path}: {reason}")]
    NvrtcLoad {
        /// The file.
        path: String,
        /// The loader's message.
        reason: String,
    },
    /// NVRTC rejected the kernel.
    #[error("NVRTC cannot compile the kernel for {arch}: {log}")]
    Compile {
        /// The virtual architecture, e.g. `compute_90`.
        arch: String,
        /// NVRTC's log (or error).
        log: String,
    },
    /// A CUDA driver call failed.
    #[error("CUDA error while {what}: {reason}")]
    Driver {
        /// What the miner was doing.
        what: &'static str,
        /// The driver's message.
        reason: String,
    },
    /// cudarc panicked (caught: mining goes on on the CPU).
    #[error("cudarc panicked while {what}: {message}")]
    Panicked {
        /// What the miner was doing.
        what: &'static str,
        /// The panic's message.
        message: String,
    },
}

impl CudaError {
    /// A [`CudaError::Driver`] for a failed driver call while doing `what`.
    pub(crate) fn driver(what: &'static str) -> impl FnOnce(cudarc::driver::DriverError) -> Self {
        move |error| Self::Driver { what, reason: error.to_string() }
    }
}

/// Runs `f`, turning a panic inside cudarc into [`CudaError::Panicked`].
///
/// Whatever `f` built is dropped on a panic, so no broken state outlives it.
pub(crate) fn guarded<T>(what: &'static str, f: impl FnOnce() -> Result<T, CudaError>) -> Result<T, CudaError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        Err(CudaError::Panicked { what, message })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error() {
        let result: Result<(), _> = guarded("testing", || panic!("boom"));
        assert_eq!(result, Err(CudaError::Panicked { what: "testing", message: "boom".into() }));
        assert_eq!(guarded("testing", || Ok(7)), Ok(7));
    }
}
