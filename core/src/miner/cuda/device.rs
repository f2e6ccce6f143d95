//! One GPU as the miner uses it: its context and stream, the kernel compiled for it, and two
//! launch slots (a hit buffer on the device and its pinned copy on the host) so that one
//! launch runs while the host reads the other's hits.

use super::compile::{compile_ptx, kernel_name};
use super::library::{check_driver, load_nvrtc, nvrtc_from_env};
use super::params::{FIRST_V, LAST_V, MineParams, stored_hits};
use super::{CudaError, guarded};
use cudarc::driver::sys::{CUdevice_attribute, CUresult};
use cudarc::driver::{CudaContext, CudaFunction, CudaSlice, CudaStream, LaunchConfig, PinnedHostSlice, PushKernelArg};
use std::sync::Arc;

/// Threads per block.
const BLOCK: u32 = 256;
/// Hits one launch can report (a launch at a real difficulty has one in billions).
pub(crate) const CAPACITY: u32 = 64;
/// Launch slots: one running, one queued or being read.
pub(crate) const SLOTS: usize = 2;

/// An opened GPU, ready to launch.
pub(crate) struct Gpu {
    /// The device's name, e.g. "NVIDIA H100 80GB HBM3".
    pub name: String,
    /// Threads of one launch: enough blocks to fill every multiprocessor once.
    pub threads: u32,
    /// The architecture the kernel was compiled for, e.g. `compute_90`.
    pub arch: String,
    blocks: u32,
    stream: Arc<CudaStream>,
    kernels: Vec<CudaFunction>,
    slots: Vec<Slot>,
}

/// Where one launch's hits go.
struct Slot {
    device: CudaSlice<u32>,
    host: PinnedHostSlice<u32>,
}

impl Gpu {
    /// Opens device 0 and compiles the kernel for it. Every failure, a panic in cudarc
    /// included, is a [`CudaError`].
    pub(crate) fn open() -> Result<Self, CudaError> {
        check_driver()?;
        load_nvrtc(nvrtc_from_env().as_deref())?;
        guarded("opening the GPU", Self::open_checked)
    }

    fn open_checked() -> Result<Self, CudaError> {
        let count = CudaContext::device_count().map_err(|error| match error.0 {
            CUresult::CUDA_ERROR_NO_DEVICE => CudaError::NoDevice,
            _ => CudaError::driver("counting devices")(error),
        })?;
        if count < 1 {
            return Err(CudaError::NoDevice);
        }
        let ctx = CudaContext::new(0).map_err(CudaError::driver("creating a context"))?;
        let name = ctx.name().map_err(CudaError::driver("reading the device name"))?;
        let (major, minor) = ctx.compute_capability().map_err(CudaError::driver("reading the compute capability"))?;
        // A device newer than this NVRTC gets the oldest supported target, which its driver JIT-compiles.
        let (ptx, arch) = match compile_ptx(major, minor) {
            Ok(ptx) => (ptx, format!("compute_{major}{minor}")),
            Err(CudaError::Compile { arch, log }) if (major, minor) > (7, 5) => {
                tracing::debug!(%arch, %log, "NVRTC rejected the device's architecture; trying compute_75");
                (compile_ptx(7, 5)?, "compute_75".to_owned())
            }
            Err(error) => return Err(error),
        };
        let module = ctx.load_module(ptx).map_err(|error| match error.0 {
            CUresult::CUDA_ERROR_UNSUPPORTED_PTX_VERSION => {
                CudaError::driver("loading the kernel (this NVRTC is newer than the driver: use an older one)")(error)
            }
            _ => CudaError::driver("loading the kernel")(error),
        })?;
        let kernels = (FIRST_V..=LAST_V)
            .map(|v| module.load_function(&kernel_name(v)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(CudaError::driver("finding the kernel's entry points"))?;
        let sms = ctx
            .attribute(CUdevice_attribute::CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT)
            .map_err(CudaError::driver("reading the multiprocessor count"))?;
        let per_sm = match kernels.last() {
            Some(kernel) => kernel
                .occupancy_max_active_blocks_per_multiprocessor(BLOCK, 0, None)
                .map_err(CudaError::driver("reading the kernel's occupancy"))?,
            None => 1,
        };
        let blocks = u32::try_from(sms).unwrap_or(1).max(1) * per_sm.max(1);
        let stream = ctx.default_stream();
        let mut slots = Vec::with_capacity(SLOTS);
        for _ in 0..SLOTS {
            let len = 1 + 2 * CAPACITY as usize;
            let device = stream.alloc_zeros::<u32>(len).map_err(CudaError::driver("allocating the hit buffer"))?;
            // SAFETY: the pinned buffer is only read after a copy from `device` filled it
            // (`hits` follows `launch` on the same slot), never uninitialised.
            let host = unsafe { ctx.alloc_pinned_with_flags::<u32>(len, 0) }
                .map_err(CudaError::driver("allocating pinned memory"))?;
            slots.push(Slot { device, host });
        }
        tracing::debug!(%name, %arch, sms, per_sm, "GPU opened");
        Ok(Self { name, threads: blocks * BLOCK, arch, blocks, stream, kernels, slots })
    }

    /// Queues a launch of the kernel for varying word `v` in slot `slot`: clear its hit buffer,
    /// run, copy the hits back. Returns at once.
    pub(crate) fn launch(&mut self, slot: usize, v: usize, params: &MineParams) -> Result<(), CudaError> {
        debug_assert!(params.capacity <= CAPACITY);
        let kernel = v.checked_sub(FIRST_V).and_then(|i| self.kernels.get(i)).ok_or(CudaError::Driver {
            what: "choosing a kernel",
            reason: format!("no kernel for varying word {v}"),
        })?;
        let slot = &mut self.slots[slot];
        self.stream.memset_zeros(&mut slot.device).map_err(CudaError::driver("clearing the hit buffer"))?;
        let config = LaunchConfig { grid_dim: (self.blocks, 1, 1), block_dim: (BLOCK, 1, 1), shared_mem_bytes: 0 };
        let mut launch = self.stream.launch_builder(kernel);
        launch.arg(params).arg(&mut slot.device);
        // SAFETY: mine_v<v> takes (MineParams by value, unsigned int* out): `params` is the
        // #[repr(C)] twin of that struct and `out` holds the 1 + 2·capacity words it may write.
        unsafe { launch.launch(config) }.map_err(CudaError::driver("launching the kernel"))?;
        self.stream.memcpy_dtoh(&slot.device, &mut slot.host).map_err(CudaError::driver("copying hits back"))?;
        Ok(())
    }

    /// Waits for slot `slot`'s launch and returns its hits `(chunk offset, low counter)`.
    pub(crate) fn hits(&self, slot: usize) -> Result<Vec<(u32, u32)>, CudaError> {
        let out = self.slots[slot].host.as_slice().map_err(CudaError::driver("waiting for the kernel"))?;
        Ok(stored_hits(out, CAPACITY).collect())
    }
}
