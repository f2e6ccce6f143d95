//! Finding CUDA's libraries at run time, before cudarc needs them (cudarc panics when one is
//! missing).
//!
//! cudarc loads the driver and NVRTC by name through the system's loader. With its
//! `cuda-13000` feature the NVRTC names it tries include `libnvrtc.so`, `libnvrtc.so.13` and
//! `libnvrtc.so.12`, so both a CUDA 13 and a CUDA 12 NVRTC work when the loader finds them
//! (`LD_LIBRARY_PATH`, `ldconfig`). A toolkit outside the loader's path is found here: the file
//! named by [`NVRTC_ENV`] (or the library in the folder it names), else the usual toolkit
//! folders. That file is loaded by its path first; the loader then hands cudarc the same
//! library when it asks for its soname.

use super::CudaError;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Environment variable naming the NVRTC library to use, or the folder that holds it.
pub const NVRTC_ENV: &str = "BLOCKPEER_NVRTC";

/// NVRTC's sonames, newest first.
const NVRTC_NAMES: [&str; 2] = ["libnvrtc.so.13", "libnvrtc.so.12"];

/// Where CUDA toolkits put their libraries.
const TOOLKIT_DIRS: [&str; 4] = [
    "/usr/local/cuda/lib64",
    "/usr/local/cuda/targets/x86_64-linux/lib",
    "/usr/local/cuda/targets/sbsa-linux/lib",
    "/opt/cuda/lib64",
];

/// Libraries loaded by path, kept loaded for the life of the process.
static PRELOADED: Mutex<Vec<libloading::Library>> = Mutex::new(Vec::new());

/// Checks that the NVIDIA driver's library loads.
pub(crate) fn check_driver() -> Result<(), CudaError> {
    // SAFETY: this loads libcuda (running its initialisers) exactly as cudarc will: it is the
    // system's NVIDIA driver library, meant to be loaded into any process.
    if unsafe { cudarc::driver::sys::is_culib_present() } { Ok(()) } else { Err(CudaError::NoDriver) }
}

/// Makes NVRTC loadable for cudarc: the library at `explicit` (a file, or a folder holding
/// `libnvrtc.so.13`/`.12`) when given, else the loader's, else one in a toolkit folder.
///
/// Without an explicit path the miner passes the value of [`NVRTC_ENV`].
pub fn load_nvrtc(explicit: Option<&Path>) -> Result<(), CudaError> {
    if let Some(path) = explicit {
        let file =
            if path.is_dir() { in_folder(path).unwrap_or_else(|| path.join(NVRTC_NAMES[1])) } else { path.into() };
        preload(&file)?;
    } else if !nvrtc_present()
        && let Some(file) = toolkit_dirs().iter().find_map(|dir| in_folder(dir))
    {
        preload(&file)?;
    }
    if nvrtc_present() { Ok(()) } else { Err(CudaError::NoNvrtc) }
}

/// The NVRTC library to use according to the environment ([`NVRTC_ENV`]).
pub(crate) fn nvrtc_from_env() -> Option<PathBuf> {
    std::env::var_os(NVRTC_ENV).filter(|v| !v.is_empty()).map(PathBuf::from)
}

fn nvrtc_present() -> bool {
    // SAFETY: this loads NVRTC (running its initialisers) by the names cudarc will use; NVRTC
    // is a self-contained compiler library meant to be loaded into any process.
    unsafe { cudarc::nvrtc::sys::is_culib_present() }
}

/// Loads `file` and keeps it loaded.
fn preload(file: &Path) -> Result<(), CudaError> {
    // SAFETY: `file` is an NVRTC library (by its name, from the user's setting or a CUDA
    // toolkit folder); loading it runs its initialisers, as loading it by soname would.
    let library = unsafe { libloading::Library::new(file) }
        .map_err(|error| CudaError::NvrtcLoad { path: file.display().to_string(), reason: error.to_string() })?;
    PRELOADED.lock().unwrap_or_else(|e| e.into_inner()).push(library);
    tracing::debug!(file = %file.display(), "NVRTC loaded");
    Ok(())
}

/// The newest NVRTC in `dir`.
fn in_folder(dir: &Path) -> Option<PathBuf> {
    NVRTC_NAMES.iter().map(|name| dir.join(name)).find(|file| file.is_file())
}

/// `$CUDA_HOME/lib64`, `$CUDA_PATH/lib64`, the usual folders, then `/usr/local/cuda-*/lib64`
/// (newest version first).
fn toolkit_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = ["CUDA_HOME", "CUDA_PATH"]
        .iter()
        .filter_map(std::env::var_os)
        .map(|root| PathBuf::from(root).join("lib64"))
        .collect();
    dirs.extend(TOOLKIT_DIRS.iter().map(PathBuf::from));
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/local")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.file_name().and_then(OsStr::to_str).is_some_and(|n| n.starts_with("cuda-")))
        .collect();
    versions.sort_by_key(|path| std::cmp::Reverse(version_of(path)));
    dirs.extend(versions.into_iter().map(|path| path.join("lib64")));
    dirs
}

/// `(major, minor)` of a `cuda-MAJOR.MINOR` folder.
fn version_of(path: &Path) -> (u32, u32) {
    let name = path.file_name().and_then(OsStr::to_str).unwrap_or_default();
    let mut parts = name.trim_start_matches("cuda-").split('.').map(|p| p.parse().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toolkit_folders_newest_first() {
        assert_eq!(version_of(Path::new("/usr/local/cuda-12.8")), (12, 8));
        assert_eq!(version_of(Path::new("/usr/local/cuda-13.0")), (13, 0));
        assert_eq!(version_of(Path::new("/usr/local/cuda-x")), (0, 0));
        let dirs = toolkit_dirs();
        assert!(dirs.contains(&PathBuf::from("/usr/local/cuda/lib64")), "{dirs:?}");
    }

    #[test]
    fn a_bad_explicit_library_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let fake = dir.path().join("libnvrtc.so.12");
        std::fs::write(&fake, b"not a library").unwrap_or_else(|e| panic!("{e}"));
        match load_nvrtc(Some(&fake)) {
            Err(CudaError::NvrtcLoad { path, .. }) => assert!(path.ends_with("libnvrtc.so.12")),
            other => panic!("{other:?}"),
        }
    }
}
