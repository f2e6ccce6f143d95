//! Starting a peer off the window's thread: joining may first ask the well-known peer
//! which protocol generation it speaks (up to 3 s), and stopping a peer, binding,
//! opening the chain and starting the web page take time too — the window keeps
//! drawing meanwhile, with a spinner that says what it waits for.

use crate::launch::{Choice, Restarter, Running, Starter};
use crossbeam_channel::{Receiver, bounded};
use eframe::egui;

/// Work running on a thread of its own, and what it will bring back.
pub struct Pending<T> {
    outcome: Receiver<T>,
    /// What is happening, for the person waiting.
    pub what: String,
}

impl<T: Send + 'static> Pending<T> {
    /// Runs `work` on a thread of its own; repaints `ctx` when it is done.
    fn spawn(what: String, work: impl FnOnce() -> T + Send + 'static, ctx: egui::Context) -> Result<Self, String> {
        let (done, outcome) = bounded(1);
        std::thread::Builder::new()
            .name("peer-start".into())
            .spawn(move || {
                // The window may have closed meanwhile: then nobody waits for it.
                let _ = done.send(work());
                ctx.request_repaint();
            })
            .map_err(|e| format!("cannot start a thread to start the peer: {e}"))?;
        Ok(Self { outcome, what })
    }

    /// The outcome, once the work has finished.
    pub fn poll(&self) -> Option<T> {
        self.outcome.try_recv().ok()
    }
}

/// A start from the dialog: the starter comes back with the peer (or why not), for the
/// next try.
pub type Start = Pending<(Starter, Result<Running, String>)>;

/// Starts `choice` with `starter` off the window's thread. Without a thread to run it
/// on, the starter is lost and the error says why.
pub fn start(mut starter: Starter, choice: Choice, ctx: egui::Context) -> Result<Start, String> {
    let what = match &choice {
        Choice::Join(join) if join.protocol.is_none() => {
            "Joining: asking the well-known peer which protocol it speaks…"
        }
        Choice::Join(_) => "Joining the network…",
        Choice::Start(_) => "Starting the network…",
        Choice::Demo => "Starting the demo network…",
    };
    Pending::spawn(
        what.to_owned(),
        move || {
            let result = starter(&choice);
            (starter, result)
        },
        ctx,
    )
}

/// Starts the stopped peer again at `difficulty` with its `restart`, off the window's thread.
pub fn restart(
    mut restart: Restarter,
    difficulty: u32,
    ctx: egui::Context,
) -> Result<Pending<Result<Running, String>>, String> {
    Pending::spawn(format!("Starting the peer again at difficulty {difficulty}…"), move || restart(difficulty), ctx)
}
