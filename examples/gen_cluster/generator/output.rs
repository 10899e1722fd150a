//! Output: the per-side streaming writers and the truth file.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::Path;

use serde_json::{Map, Value, json};

use super::json::write_json;
use super::kinds::{Fate, Side};
use super::plan::Plan;
use super::yaml::write_yaml_doc;

/// Writes `<side>.json` and `<side>.yaml`; returns their sizes in bytes.
pub(super) fn write_side(plan: &Plan, side: Side, dir: &Path) -> io::Result<(u64, u64)> {
    // kubectl order: by resource type, then namespace, then name.
    let mut order: Vec<usize> = (0..plan.objects.len())
        .filter(|&i| plan.objects[i].fate.present_on(side))
        .collect();
    order.sort_by_cached_key(|&i| {
        let obj = &plan.objects[i];
        (
            obj.kind,
            plan.namespaces[obj.ns as usize].name(side).to_string(),
            plan.object_name(obj),
        )
    });
    let stem = side.file_stem();
    let json_path = dir.join(format!("{stem}.json"));
    let yaml_path = dir.join(format!("{stem}.yaml"));
    let mut json_out = BufWriter::with_capacity(1 << 20, File::create(&json_path)?);
    let mut yaml_out = BufWriter::with_capacity(1 << 20, File::create(&yaml_path)?);
    json_out.write_all(b"{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[")?;
    for (n, &i) in order.iter().enumerate() {
        let obj = plan.build_object(i, side);
        json_out.write_all(if n == 0 { b"\n" } else { b",\n" })?;
        write_json(&mut json_out, &obj)?;
        write_yaml_doc(&mut yaml_out, &obj)?;
    }
    json_out.write_all(b"\n],\"metadata\":{\"resourceVersion\":\"\"}}\n")?;
    json_out.flush()?;
    yaml_out.flush()?;
    Ok((
        fs::metadata(json_path)?.len(),
        fs::metadata(yaml_path)?.len(),
    ))
}

/// Writes `truth.json`: every perturbation (with its change) and every one-sided object.
pub(super) fn write_truth(plan: &Plan, path: &Path) -> io::Result<()> {
    let mut perturbed = Vec::new();
    let mut prod_only = Vec::new();
    let mut staging_only = Vec::new();
    let mut counts: Map<String, Value> = Map::new();
    for (i, obj) in plan.objects.iter().enumerate() {
        let ns = &plan.namespaces[obj.ns as usize];
        let mut entry = json!({
            "kind": obj.kind.name(),
            "name": plan.object_name(obj),
            "namespace": ns.prod,
            "stagingNamespace": ns.staging,
        });
        match obj.fate {
            Fate::Same => continue,
            Fate::Perturbed => {
                let label = plan.change_for(i).label();
                entry["change"] = json!(label);
                let count = counts.entry(label).or_insert(json!(0));
                *count = json!(count.as_u64().unwrap_or(0) + 1);
                perturbed.push(entry);
            }
            Fate::ProdOnly => prod_only.push(entry),
            Fate::StagingOnly => staging_only.push(entry),
        }
    }
    let renamed = plan
        .namespaces
        .iter()
        .filter(|ns| ns.prod != ns.staging)
        .count();
    let truth = json!({
        "seed": plan.seed,
        "objectsPerSide": plan.objects_per_side,
        "namespaces": plan.namespaces.len(),
        "renamedNamespaces": renamed,
        "renameRule": "team-<k> with k % 4 == 3 is team-<k>-stg on staging",
        "paired": plan.objects.len() - prod_only.len() - staging_only.len(),
        "perturbedCount": perturbed.len(),
        "prodOnlyCount": prod_only.len(),
        "stagingOnlyCount": staging_only.len(),
        "changeCounts": counts,
        "perturbed": perturbed,
        "prodOnly": prod_only,
        "stagingOnly": staging_only,
    });
    let mut out = BufWriter::new(File::create(path)?);
    write_json(&mut out, &truth)?;
    out.write_all(b"\n")?;
    out.flush()
}
