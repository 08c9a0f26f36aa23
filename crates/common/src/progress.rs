//! Progress reporting without knowing how it is shown: the library calls these
//! hooks, the CLI draws bars (or nothing when output is piped).

/// Receives progress of long stages. Implementations must be cheap: `advance`
/// is called from worker threads, once per batch rather than once per item.
pub trait Progress: Sync {
    /// A stage starts; `total` is the amount of work in the stage's unit when known.
    fn start(&self, _stage: &str, _total: Option<u64>) {}
    /// Some work of the current stage is done.
    fn advance(&self, _amount: u64) {}
    /// The current stage is finished.
    fn finish(&self) {}
}

/// Progress that is not shown.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {}
