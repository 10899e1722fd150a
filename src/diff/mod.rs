//! Pairing and structural diff: two sides in, a list of differences out. The diff describes
//! (values equivalent but for environment names or a kustomize hash suffix) and never judges:
//! what does not matter is for rules to say, visibly (`--show-noise`) and overridably.

pub mod facts;
pub mod identity;
pub mod pair;
pub mod path;
pub mod structural;

use crate::model::{Change, FieldPath, ObjectKey, Side};
use pair::NameMapping;
use rayon::prelude::*;
use serde_json::Value;

/// One difference, before judgement.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// Prod identity (staging's for `only_in_staging`); `None` for cluster facts.
    pub object: Option<ObjectKey>,
    /// Staging identity when it differs from prod's.
    pub staging_object: Option<ObjectKey>,
    /// Index of the staging object in its side.
    pub staging_index: Option<usize>,
    /// Index of the prod object in its side.
    pub prod_index: Option<usize>,
    /// Field path; `None` for a whole object.
    pub path: Option<FieldPath>,
    /// What kind of difference.
    pub change: Change,
    /// Staging's value at the path.
    pub staging: Option<Value>,
    /// Prod's value at the path.
    pub prod: Option<Value>,
    /// Why the values are equivalent after all, if they are.
    pub equivalent: Option<String>,
}

/// All differences between two sides.
#[derive(Debug, Default)]
pub struct DiffResult {
    /// Sorted: cluster facts first, then by object and path.
    pub differences: Vec<Difference>,
    /// Secret values that could not be compared.
    pub not_compared: usize,
    /// Objects (pairs count once) and cluster facts compared.
    pub compared: usize,
}

/// Pairs and diffs two sides.
pub fn diff_sides(staging: &Side, prod: &Side, m: &NameMapping) -> DiffResult {
    let pairing = pair::pair(staging, prod, m);
    let (mut differences, compared_facts) = facts::diff_facts(&staging.facts, &prod.facts);
    // Without one shared fingerprint key, equal-looking secret values prove nothing.
    let provable = staging.fingerprint_key_id.is_some()
        && staging.fingerprint_key_id == prod.fingerprint_key_id;

    let per_pair: Vec<(Vec<Difference>, usize)> = pairing
        .pairs
        .par_iter()
        .map(|&(i, j)| {
            let (s, p) = (&staging.objects[i], &prod.objects[j]);
            let mut ctx = structural::DiffCtx {
                tokens: &m.tokens,
                not_compared: 0,
            };
            let mut fields = Vec::new();
            if s.body != p.body {
                structural::diff_bodies(&s.body, &p.body, &mut ctx, &mut fields);
            }
            let staging_object = (s.key.namespace != p.key.namespace || s.key.name != p.key.name)
                .then(|| s.key.clone());
            let diffs = fields
                .into_iter()
                .map(|f| Difference {
                    object: Some(p.key.clone()),
                    staging_object: staging_object.clone(),
                    staging_index: Some(i),
                    prod_index: Some(j),
                    path: Some(f.path),
                    change: f.change,
                    staging: f.staging,
                    prod: f.prod,
                    equivalent: f.equivalent,
                })
                .collect();
            let mut not_compared = ctx.not_compared;
            if !provable {
                for (k, v) in &s.body {
                    if let Some(w) = p.body.get(k) {
                        not_compared += structural::count_unprovable_tokens(v, w);
                    }
                }
            }
            (diffs, not_compared)
        })
        .collect();
    let mut not_compared = 0;
    for (d, n) in per_pair {
        differences.extend(d);
        not_compared += n;
    }
    for &i in &pairing.staging_only {
        differences.push(whole(
            staging.objects[i].key.clone(),
            Change::OnlyInStaging,
            Some(i),
            None,
        ));
    }
    for &j in &pairing.prod_only {
        differences.push(whole(
            prod.objects[j].key.clone(),
            Change::OnlyInProd,
            None,
            Some(j),
        ));
    }
    differences.sort_by(|a, b| (&a.object, &a.path, a.change).cmp(&(&b.object, &b.path, b.change)));
    DiffResult {
        differences,
        not_compared,
        compared: compared_facts
            + pairing.pairs.len()
            + pairing.staging_only.len()
            + pairing.prod_only.len(),
    }
}

fn whole(
    key: ObjectKey,
    change: Change,
    staging_index: Option<usize>,
    prod_index: Option<usize>,
) -> Difference {
    Difference {
        object: Some(key),
        staging_object: None,
        staging_index,
        prod_index,
        path: None,
        change,
        staging: None,
        prod: None,
        equivalent: None,
    }
}
