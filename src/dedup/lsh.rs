//! LSH banding.
use super::LshParams;

/// Counts of the candidate stage.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct LinkStats {
    /// Candidate pairs verified.
    pub candidates: u64,
    /// Pairs kept.
    pub kept: u64,
}

impl LshParams {
    /// Bands × rows minimizing the weighted false-positive and false-negative areas at `threshold`.
    pub fn optimal(threshold: f64, num_perm: usize) -> LshParams {
        let _ = (threshold, num_perm);
        todo!()
    }

    /// Probability that a pair with this Jaccard becomes a candidate.
    pub fn detection_probability(&self, jaccard: f64) -> f64 {
        1.0 - (1.0 - jaccard.powi(self.rows_per_band as i32)).powi(self.num_bands as i32)
    }
}

/// One key per band for a signature.
pub fn band_keys(signature: &[u32], params: &LshParams, out: &mut Vec<u64>) {
    let _ = (signature, params, out);
    todo!()
}

/// Candidate pairs from per-document band keys.
pub fn candidate_pairs(keys: &[Vec<u64>]) -> Vec<(u32, u32)> {
    let _ = keys;
    todo!()
}
