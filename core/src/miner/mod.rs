//! Mining: the job a miner works on and the workers that search its nonces.

mod job;
mod pool;

pub use job::Job;
pub use pool::MinerPool;
