//! Reading objects: list (cluster-wide or per namespace) with `limit`/`continue`,
//! `labelSelector` and `fieldSelector`, and get by name; as JSON or as a `meta.k8s.io` Table.

use super::negotiate::Form;
use super::select::FieldSelector;
use super::store::{Item, Served};
use super::{respond, status};
use crate::model::selector::{self, SelectorExt};
use axum::response::Response;
use base64::Engine;
use http::StatusCode;
use serde_json::{Value, json};
use std::collections::HashMap;

/// Query parameters of a read.
pub(crate) type Query = HashMap<String, String>;

/// A continue token: where the next page starts, and which list it belongs to.
#[derive(serde::Serialize, serde::Deserialize)]
struct Continue {
    /// Offset of the next item.
    o: usize,
    /// The list (path and selectors) it continues.
    l: String,
}

fn list_key(path: &str, q: &Query) -> String {
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    format!("{path}?{}&{}", get("labelSelector"), get("fieldSelector"))
}

fn encode_continue(c: &Continue) -> String {
    base64::engine::general_purpose::STANDARD.encode(serde_json::to_vec(c).unwrap_or_default())
}

fn decode_continue(token: &str) -> Option<Continue> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(token)
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Lists a resource.
pub(crate) fn list(
    served: &Served,
    namespace: Option<&str>,
    path: &str,
    q: &Query,
    form: Form,
) -> Response {
    let labels = match q.get("labelSelector").map(|s| selector::parse(s)) {
        Some(Err(e)) => {
            return status(
                StatusCode::BAD_REQUEST,
                "BadRequest",
                format!("unable to parse requirement: {e}"),
            );
        }
        Some(Ok(s)) => Some(s),
        None => None,
    };
    let fields = match q.get("fieldSelector").map(|s| FieldSelector::parse(s)) {
        Some(Err(e)) => return status(StatusCode::BAD_REQUEST, "BadRequest", e),
        Some(Ok(s)) => Some(s),
        None => None,
    };
    let key = list_key(path, q);
    let start = match q.get("continue").filter(|t| !t.is_empty()) {
        None => 0,
        Some(t) => match decode_continue(t) {
            Some(c) if c.l == key => c.o,
            _ => {
                return status(
                    StatusCode::BAD_REQUEST,
                    "BadRequest",
                    "invalid continue token for this list".into(),
                );
            }
        },
    };
    let limit = match q.get("limit").map(|l| l.parse::<usize>()) {
        Some(Err(_)) => {
            return status(
                StatusCode::BAD_REQUEST,
                "BadRequest",
                "limit must be a number".into(),
            );
        }
        Some(Ok(0)) | None => usize::MAX,
        Some(Ok(n)) => n,
    };
    let selected: Vec<&Item> = served
        .items
        .iter()
        .filter(|i| namespace.is_none_or(|ns| i.namespace.as_deref() == Some(ns)))
        .filter(|i| labels.as_ref().is_none_or(|s| s.matches(&i.labels)))
        .filter(|i| fields.as_ref().is_none_or(|s| s.matches(i)))
        .collect();
    let end = start.saturating_add(limit).min(selected.len());
    let page = &selected[start.min(end)..end];
    let remaining = selected.len() - end;
    let next = (remaining > 0).then(|| encode_continue(&Continue { o: end, l: key }));
    let mut meta = json!({"resourceVersion": "1"});
    if let Some(n) = &next {
        meta["continue"] = json!(n);
        meta["remainingItemCount"] = json!(remaining);
    }
    match form {
        Form::Table(v) => respond(form, table(page, meta, v, q).to_string().into_bytes()),
        _ => respond(form, list_body(served, page, &meta)),
    }
}

/// Gets one object by name.
pub(crate) fn get(
    served: &Served,
    namespace: Option<&str>,
    name: &str,
    q: &Query,
    form: Form,
) -> Response {
    let found = served
        .items
        .iter()
        .find(|i| i.name == name && (namespace.is_none() || i.namespace.as_deref() == namespace));
    let Some(item) = found else {
        let r = &served.info;
        let what = if r.group.is_empty() {
            r.name.clone()
        } else {
            format!("{}.{}", r.name, r.group)
        };
        return status(
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("{what} \"{name}\" not found"),
        );
    };
    match form {
        Form::Table(v) => {
            let t = table(&[item], json!({"resourceVersion": "1"}), v, q);
            respond(form, t.to_string().into_bytes())
        }
        _ => respond(form, item.json.to_vec()),
    }
}

fn api_version(served: &Served) -> String {
    let r = &served.info;
    if r.group.is_empty() {
        r.version.clone()
    } else {
        format!("{}/{}", r.group, r.version)
    }
}

/// A `KindList` body, assembled from the items' serialized JSON.
fn list_body(served: &Served, page: &[&Item], meta: &Value) -> Vec<u8> {
    let size: usize = page.iter().map(|i| i.json.len() + 1).sum();
    let mut out = Vec::with_capacity(size + 256);
    out.extend_from_slice(
        format!(
            "{{\"kind\":\"{}List\",\"apiVersion\":\"{}\",\"metadata\":{},\"items\":[",
            served.info.kind,
            api_version(served),
            meta
        )
        .as_bytes(),
    );
    for (n, i) in page.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&i.json);
    }
    out.extend_from_slice(b"]}");
    out
}

/// A `meta.k8s.io` Table: one Name column (a snapshot keeps no timestamps or status to show).
fn table(page: &[&Item], meta: Value, version: &str, q: &Query) -> Value {
    let include = q
        .get("includeObject")
        .map(String::as_str)
        .unwrap_or("Metadata");
    let rows: Vec<Value> = page
        .iter()
        .map(|i| {
            let mut row = json!({"cells": [i.name]});
            match include {
                "None" => {}
                "Object" => {
                    row["object"] = serde_json::from_slice(&i.json).unwrap_or(Value::Null);
                }
                _ => {
                    row["object"] = json!({
                        "kind": "PartialObjectMetadata",
                        "apiVersion": format!("meta.k8s.io/{version}"),
                        "metadata": i.metadata,
                    });
                }
            }
            row
        })
        .collect();
    json!({
        "kind": "Table",
        "apiVersion": format!("meta.k8s.io/{version}"),
        "metadata": meta,
        "columnDefinitions": [{
            "name": "Name",
            "type": "string",
            "format": "name",
            "description": "Name must be unique within a namespace.",
            "priority": 0,
        }],
        "rows": rows,
    })
}
