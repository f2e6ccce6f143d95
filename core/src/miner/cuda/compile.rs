//! Compiling the embedded kernel with NVRTC to PTX for one compute capability.

use super::{CudaError, guarded};
use cudarc::nvrtc::{CompileError, CompileOptions, Ptx};

/// The kernel's CUDA C source (no headers: NVRTC has no standard library).
pub(crate) const SOURCE: &str = include_str!("../../../../kernels/sha256_mine.cu");

/// The entry point for varying word `v` (3..=12).
pub(crate) fn kernel_name(v: usize) -> String {
    format!("mine_v{v}")
}

/// Compiles the kernel to PTX for compute capability `major.minor` (e.g. 9.0 for an H100).
///
/// NVRTC must be loadable: see [`load_nvrtc`](super::load_nvrtc).
pub fn compile_ptx(major: i32, minor: i32) -> Result<Ptx, CudaError> {
    let arch = format!("compute_{major}{minor}");
    let options = CompileOptions {
        options: vec![format!("--gpu-architecture={arch}")],
        name: Some("sha256_mine.cu".into()),
        ..CompileOptions::default()
    };
    guarded("compiling the kernel", || {
        cudarc::nvrtc::compile_ptx_with_opts(SOURCE, options).map_err(|error| CudaError::Compile {
            arch: arch.clone(),
            log: match error {
                CompileError::CompileError { log, .. } => log.to_string_lossy().trim().to_owned(),
                other => format!("{other:?}"),
            },
        })
    })
}

#[cfg(test)]
mod tests {
    use super::super::load_nvrtc;
    use super::super::params::{FIRST_V, LAST_V};
    use super::*;
    use std::path::PathBuf;
    use std::process::Command;

    /// NVRTC from PyPI's nvidia-cuda-nvrtc-cu12, which scripts/test.sh installs into
    /// `.venv-nvrtc` and names in BLOCKPEER_NVRTC; else asks that venv's or the system's Python.
    fn test_nvrtc() -> PathBuf {
        if let Some(path) = super::super::library::nvrtc_from_env() {
            return path;
        }
        let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv-nvrtc/bin/python3");
        let script = "import nvidia.cuda_nvrtc as m, os; print(os.path.join(list(m.__path__)[0], 'lib'))";
        for python in [venv.as_os_str(), "python3".as_ref()] {
            let Ok(output) = Command::new(python).args(["-c", script]).output() else { continue };
            let dir = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
            if output.status.success() && dir.join("libnvrtc.so.12").is_file() {
                return dir;
            }
        }
        panic!(
            "NVRTC is not installed for the tests: run ./scripts/test.sh (it installs PyPI's \
             nvidia-cuda-nvrtc-cu12 into .venv-nvrtc), or set BLOCKPEER_NVRTC to a libnvrtc.so.12/13"
        );
    }

    #[test]
    fn nvrtc_compiles_the_kernel_for_turing_ampere_and_hopper() {
        let nvrtc = test_nvrtc();
        load_nvrtc(Some(&nvrtc)).unwrap_or_else(|e| panic!("{e} (run ./scripts/test.sh)"));
        for (major, minor) in [(7, 5), (8, 0), (9, 0)] {
            let ptx = compile_ptx(major, minor).unwrap_or_else(|e| panic!("{e}")).to_src();
            assert!(ptx.contains(&format!(".target sm_{major}{minor}")), "{major}.{minor}");
            for name in (FIRST_V..=LAST_V).map(kernel_name) {
                assert!(ptx.contains(&format!(".entry {name}(")), "{name} missing for {major}.{minor}");
            }
            // Every array is indexed by constants only, so nothing lives in local memory.
            assert!(!ptx.contains(".local"), "the kernel uses local memory on {major}.{minor}");
        }
    }

    #[test]
    fn an_architecture_nvrtc_does_not_know_is_an_error() {
        load_nvrtc(Some(&test_nvrtc())).unwrap_or_else(|e| panic!("{e}"));
        match compile_ptx(1, 0) {
            Err(CudaError::Compile { arch, .. }) => assert_eq!(arch, "compute_10"),
            other => panic!("{:?}", other.map(|_| "ptx")),
        }
    }
}
