//! Pairing objects across sides by identity, with namespace mapping, env tokens and kustomize
//! hash suffixes set aside. Hash maps only: linear in the number of objects.

use super::identity::PairIdentity;
use crate::model::{Object, Side};
use crate::normalize::names::EnvTokens;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// How names are mapped between the sides.
#[derive(Debug, Clone, Default)]
pub struct NameMapping {
    /// `--map-namespace STAGING=PROD`.
    pub namespaces: BTreeMap<String, String>,
    /// Environment tokens.
    pub tokens: EnvTokens,
}

impl NameMapping {
    /// The namespace both sides agree on.
    pub fn canonical_namespace(&self, ns: &str, staging_side: bool) -> String {
        if staging_side && let Some(p) = self.namespaces.get(ns) {
            return p.clone();
        }
        if self.namespaces.values().any(|p| p == ns) {
            return ns.to_string();
        }
        self.tokens.strip(ns, staging_side)
    }
}

/// The result of pairing.
#[derive(Debug, Default)]
pub struct Pairing {
    /// (staging index, prod index).
    pub pairs: Vec<(usize, usize)>,
    /// Staging objects without a prod counterpart.
    pub staging_only: Vec<usize>,
    /// Prod objects without a staging counterpart.
    pub prod_only: Vec<usize>,
}

type PairKey = PairIdentity;

fn exact_key(o: &Object, m: &NameMapping, staging_side: bool) -> PairKey {
    m.exact_identity(&o.key, staging_side)
}

fn token_key(o: &Object, m: &NameMapping, staging_side: bool) -> PairKey {
    m.identity(&o.key, staging_side)
}

/// Pairs the two sides' objects.
pub fn pair(staging: &Side, prod: &Side, m: &NameMapping) -> Pairing {
    let mut result = Pairing::default();
    // Keys are computed in parallel (name rules allocate); the maps are filled in order.
    let (prod_keys, staging_keys) = rayon::join(
        || keys(prod, |o| exact_key(o, m, false)),
        || keys(staging, |o| exact_key(o, m, true)),
    );
    let mut prod_index: HashMap<&PairKey, usize> = HashMap::with_capacity(prod_keys.len());
    for (i, k) in prod_keys.iter().enumerate() {
        prod_index.entry(k).or_insert(i);
    }
    let mut prod_taken = vec![false; prod.objects.len()];
    let mut staging_left = Vec::new();
    for (i, k) in staging_keys.iter().enumerate() {
        match prod_index.get(k) {
            Some(&j) if !prod_taken[j] => {
                prod_taken[j] = true;
                result.pairs.push((i, j));
            }
            _ => staging_left.push(i),
        }
    }
    // Second pass: names that differ only by an environment token, when unique on both sides.
    let mut by_token: HashMap<PairKey, Vec<usize>> = HashMap::new();
    for (j, o) in prod.objects.iter().enumerate() {
        if !prod_taken[j] {
            by_token.entry(token_key(o, m, false)).or_default().push(j);
        }
    }
    let mut staging_by_token: HashMap<PairKey, Vec<usize>> = HashMap::new();
    for &i in &staging_left {
        staging_by_token
            .entry(token_key(&staging.objects[i], m, true))
            .or_default()
            .push(i);
    }
    for &i in &staging_left {
        let k = token_key(&staging.objects[i], m, true);
        match (staging_by_token.get(&k).map(Vec::len), by_token.get(&k)) {
            (Some(1), Some(js)) if js.len() == 1 => {
                prod_taken[js[0]] = true;
                result.pairs.push((i, js[0]));
            }
            _ => result.staging_only.push(i),
        }
    }
    result.prod_only = (0..prod.objects.len())
        .filter(|j| !prod_taken[*j])
        .collect();
    result.pairs.sort_unstable();
    drop(prod_index);
    crate::stage::free_in_background((prod_keys, staging_keys, by_token, staging_by_token));
    result
}

/// Every object's key, computed in parallel, in object order.
fn keys(side: &Side, key: impl Fn(&Object) -> PairKey + Sync + Send) -> Vec<PairKey> {
    side.objects.par_iter().map(key).collect()
}
