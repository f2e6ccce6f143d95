//! Compiles the CUDA kernel as C++ (with src/shim.h standing in for CUDA) into a static library.

fn main() {
    println!("cargo:rerun-if-changed=../sha256_mine.cu");
    println!("cargo:rerun-if-changed=src/shim.h");
    println!("cargo:rerun-if-changed=src/harness.cpp");
    cc::Build::new()
        .cpp(true)
        .std("c++17")
        .file("src/harness.cpp")
        // Optimised even in test builds: a grid is millions of compressions.
        .opt_level(2)
        .flag_if_supported("-Wno-unknown-pragmas")
        .warnings_into_errors(true)
        .compile("sha256_mine_cpu");
}
