//! Starting a peer off the window's thread: joining may first ask the well-known peer
//! which protocol generation it speaks (up to 3 s), and binding, opening the chain and
//! starting the web page take time too — the window keeps drawing meanwhile.

use crate::launch::{Choice, Running, Starter};
use crossbeam_channel::{Receiver, bounded};
use eframe::egui;

/// What a start brings back: the starter (for the next try) and the peer, or why not.
type Outcome = (Starter, Result<Running, String>);

/// A start in progress.
pub struct Starting {
    outcome: Receiver<Outcome>,
    /// What is happening, for the person waiting.
    pub what: &'static str,
}

impl Starting {
    /// Runs `starter` for `choice` on a thread of its own; repaints `ctx` when done.
    /// Without a thread to run it on, the starter is lost and the error says why.
    pub fn spawn(mut starter: Starter, choice: Choice, ctx: egui::Context) -> Result<Self, String> {
        let what = match &choice {
            Choice::Join(join) if join.protocol.is_none() => {
                "Joining: asking the well-known peer which protocol it speaks…"
            }
            Choice::Join(_) => "Joining the network…",
            Choice::Start(_) => "Starting the network…",
            Choice::Demo => "Starting the demo network…",
        };
        let (done, outcome) = bounded(1);
        std::thread::Builder::new()
            .name("peer-start".into())
            .spawn(move || {
                let result = starter(&choice);
                // The window may have closed meanwhile: then nobody waits for it.
                let _ = done.send((starter, result));
                ctx.request_repaint();
            })
            .map_err(|e| format!("cannot start a thread to start the peer: {e}"))?;
        Ok(Self { outcome, what })
    }

    /// The outcome, once the start has finished.
    pub fn poll(&self) -> Option<Outcome> {
        self.outcome.try_recv().ok()
    }
}
