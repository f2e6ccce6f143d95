//! Mining: the job a miner works on and the workers that search its nonces.

mod job;

pub use job::Job;
