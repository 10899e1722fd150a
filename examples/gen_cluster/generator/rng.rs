//! Deterministic randomness: one independent ChaCha8 stream per (seed, purpose, id).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Salt of the per-namespace stream (apps, jobs, manager).
pub(super) const SALT_NAMESPACE: u64 = 1;
/// Salt of the per-app stream (version, env, config, sizes).
pub(super) const SALT_APP: u64 = 2;
/// Salt of the stream that picks one-sided and perturbed objects.
pub(super) const SALT_FATE: u64 = 3;
/// Salt of the per-object stream that picks and applies a staging perturbation.
pub(super) const SALT_CHANGE: u64 = 4;
/// Salt of the per-object stream of production server fields.
pub(super) const SALT_PROD: u64 = 5;
/// Salt of the per-object stream of staging server fields.
pub(super) const SALT_STAGING: u64 = 6;

/// SplitMix64 finalizer: mixes a seed, salt or id into well-spread bits.
pub(super) fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// An independent ChaCha stream per (seed, purpose, id), so any object can be rebuilt alone.
pub(super) fn rng_for(seed: u64, salt: u64, id: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(splitmix(splitmix(splitmix(seed) ^ salt) ^ id))
}
