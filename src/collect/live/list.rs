//! Listing one resource (cluster-wide or in one namespace): pages of `limit` objects chained by
//! `continue` tokens, restarted from the top when a token expires (410 Gone). Every page is
//! parsed straight into the compact document form, within the budgets, and Secret values are
//! fingerprinted (or dropped) as soon as their page is parsed. An answer that is not a list, a
//! token sent twice, too many pages, an object without a name or listed twice: each makes the
//! kind a coverage gap, never an empty kind or an aborted run.

use super::SecretsMode;
use super::http::{Failure, Fetcher, encode_query_value};
use crate::collect::checked::{self, Ctx};
use crate::collect::limits::{Limit, Limits};
use crate::collect::raw::RawDoc;
use crate::model::ApiResource;
use crate::normalize::secrets::{
    Fingerprinter, SHOWN, fingerprint_secret, mask_secret_annotations,
};
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashSet;

/// A list whose continue token keeps expiring is given up after this many restarts.
const MAX_RESTARTS: u32 = 3;

/// Annotations that may carry a Secret's values verbatim (`kubectl apply` stores the applied
/// object there).
const VALUE_CARRYING_ANNOTATIONS: &[&str] = &["kubectl.kubernetes.io/last-applied-configuration"];

/// One list to make.
#[derive(Debug, Clone)]
pub(crate) struct ListTask {
    /// What to list.
    pub resource: ApiResource,
    /// Only this namespace (`-n`); `None` lists cluster-wide.
    pub namespace: Option<String>,
}

impl ListTask {
    /// The collection path, without query.
    pub fn path(&self) -> String {
        let r = &self.resource;
        let root = if r.group.is_empty() {
            format!("/api/{}", r.version)
        } else {
            format!("/apis/{}/{}", r.group, r.version)
        };
        match &self.namespace {
            Some(ns) => format!("{root}/namespaces/{ns}/{}", r.name),
            None => format!("{root}/{}", r.name),
        }
    }
}

/// A list response, parsed into what checkride keeps.
#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    metadata: PageMeta,
    #[serde(default, deserialize_with = "present")]
    items: Option<Vec<RawDoc>>,
    /// A `Status` answer's message.
    #[serde(default)]
    message: Option<String>,
}

/// `items: null` is an empty list; no `items` at all is not a list.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<RawDoc>>, D::Error> {
    Option::<Vec<RawDoc>>::deserialize(d).map(|v| Some(v.unwrap_or_default()))
}

#[derive(Deserialize, Default)]
struct PageMeta {
    #[serde(default, rename = "continue")]
    continue_token: Option<String>,
}

/// How a list ended.
pub(crate) enum ListError {
    /// The server refused or failed; the reason for the gap.
    Failed(Failure),
    /// The continue token expired on every restart.
    Expired(u32),
    /// The server answered something that is not a list.
    Invalid(String),
    /// The list went past a budget.
    Over(String),
    /// Objects that cannot be compared (no name, listed twice), by identity.
    BadObjects(Vec<String>),
}

impl ListError {
    /// The coverage-gap reason.
    pub fn reason(&self) -> String {
        match self {
            ListError::Failed(f) => f.reason(),
            ListError::Expired(n) => {
                format!("410 Gone: the list's continue token expired {n} times in a row; gave up")
            }
            ListError::Invalid(why) => format!("the server's answer is not a list: {why}"),
            ListError::Over(why) => why.clone(),
            ListError::BadObjects(what) => {
                let shown = what.iter().take(3).cloned().collect::<Vec<_>>().join("; ");
                let more = match what.len() {
                    n if n > 3 => format!(" (and {} more)", n - 3),
                    _ => String::new(),
                };
                format!("the list holds objects that cannot be compared: {shown}{more}")
            }
        }
    }
}

/// Settings for listing.
pub(crate) struct ListSettings<'a> {
    /// Objects per page.
    pub page_size: u32,
    /// How Secrets are read.
    pub secrets: SecretsMode,
    /// Fingerprints Secret values.
    pub fingerprinter: &'a Fingerprinter,
    /// Budgets (pages, documents, depth, strings).
    pub limits: &'a Limits,
}

/// Lists every object of a task. A list that cannot be completed yields no objects at all
/// (half a kind would make every unseen object look deleted).
pub(crate) async fn list_all(
    f: &Fetcher,
    task: &ListTask,
    s: &ListSettings<'_>,
) -> Result<Vec<RawDoc>, ListError> {
    let base = task.path();
    let mut items: Vec<RawDoc> = Vec::new();
    let mut token: Option<String> = None;
    let mut restarts = 0u32;
    let mut page_size = s.page_size;
    let mut pages = 0u32;
    let mut seen_tokens: HashSet<String> = HashSet::new();
    loop {
        pages += 1;
        if pages > s.limits.list_pages {
            return Err(ListError::Over(format!(
                "more pages than {}",
                Limit::ListPages.describe(s.limits)
            )));
        }
        let mut path = format!("{base}?limit={page_size}");
        if let Some(t) = &token {
            path.push_str("&continue=");
            path.push_str(&encode_query_value(t));
        }
        let page = match f.get(&path, "application/json").await {
            Ok(got) => got,
            Err(Failure::Status { code: 410, .. }) if token.is_some() => {
                restarts += 1;
                if restarts > MAX_RESTARTS {
                    return Err(ListError::Expired(restarts));
                }
                tracing::debug!(side = %f.side, "{base}: continue token expired (410); restarting the list");
                items.clear();
                token = None;
                seen_tokens.clear();
                continue;
            }
            // A page too large to read is asked for again in smaller pages.
            Err(Failure::TooLarge { .. }) if page_size > 1 => {
                page_size /= 2;
                tracing::debug!(side = %f.side, "{base}: page too large; asking for pages of {page_size}");
                pages -= 1;
                continue;
            }
            Err(e) => return Err(ListError::Failed(e)),
        };
        let left = s.limits.documents.saturating_sub(items.len() as u64);
        let parsed = parse_page(&page.body, &page.content_type, s.limits, left)?;
        drop(page);
        for mut doc in parsed.items.unwrap_or_default() {
            complete_type(&mut doc, &task.resource);
            if is_secret(&task.resource) {
                protect_secret(&mut doc, s.secrets, s.fingerprinter);
            }
            items.push(doc);
        }
        match parsed.metadata.continue_token {
            Some(t) if !t.is_empty() => {
                if !seen_tokens.insert(t.clone()) {
                    return Err(ListError::Invalid(
                        "the server sent the same continue token twice (the list would never end)"
                            .into(),
                    ));
                }
                token = Some(t);
            }
            _ => {
                check_objects(&items, &task.resource)?;
                return Ok(items);
            }
        }
    }
}

/// Parses one page within the budgets; anything but a list (`{}`, a `Status`, HTML) is an error.
fn parse_page(body: &[u8], content_type: &str, l: &Limits, left: u64) -> Result<Page, ListError> {
    if !content_type.is_empty() && !content_type.contains("json") {
        let shown: String = content_type.chars().take(60).collect();
        return Err(ListError::Invalid(format!("it is `{shown}`, not JSON")));
    }
    let ctx = Ctx {
        // The page's mapping and its `items` enclose each object.
        depth: 2,
        max_depth: l.depth,
        max_string: l.string_bytes,
        items_left: left,
        yaml: false,
    };
    let (parsed, refusal) = checked::with_ctx(ctx, || {
        let r = serde_json::from_slice::<Page>(body);
        (r, checked::take_refusal())
    });
    let page = parsed.map_err(|e| {
        let at = format!("line {} column {}", e.line(), e.column());
        match refusal {
            Some(r) => ListError::Over(format!(
                "{} ({at})",
                crate::collect::parse::refusal_text(&r, l)
            )),
            None => ListError::Invalid(format!("not a JSON list ({at})")),
        }
    })?;
    if let Some(n) = page.items.as_ref().map(Vec::len)
        && n as u64 > left
    {
        return Err(ListError::Over(format!(
            "more objects than {}",
            Limit::Documents.describe(l)
        )));
    }
    match (page.kind.as_deref(), page.items.is_some()) {
        (Some("Status"), _) => {
            let m = page.message.as_deref().unwrap_or("");
            let m: String = m.lines().next().unwrap_or("").chars().take(200).collect();
            Err(ListError::Invalid(format!("a Status with 200 OK: {m}")))
        }
        (None, _) => Err(ListError::Invalid("it has no kind".into())),
        (Some(k), _) if !k.ends_with("List") => {
            let shown: String = k.chars().take(60).collect();
            Err(ListError::Invalid(format!("its kind is `{shown}`")))
        }
        (Some(_), true) => Ok(page),
        (Some(_), false) => Err(ListError::Invalid("it has no items".into())),
    }
}

/// Every object of a kind has a name, once per namespace; the first few that do not are named.
fn check_objects(items: &[RawDoc], r: &ApiResource) -> Result<(), ListError> {
    let mut seen: HashSet<(Option<&str>, &str)> = HashSet::with_capacity(items.len());
    let mut bad = Vec::new();
    for (i, d) in items.iter().enumerate() {
        let meta = d.metadata.as_ref();
        let ns = meta.and_then(|m| m.namespace.as_deref());
        let at = |what: &str| match ns {
            Some(ns) => format!("{what} in namespace {}", short(ns)),
            None => what.to_string(),
        };
        match meta
            .and_then(|m| m.name.as_deref())
            .filter(|n| !n.is_empty())
        {
            None => bad.push(at(&format!(
                "item {} of the list has no metadata.name",
                i + 1
            ))),
            Some(name) => {
                if !seen.insert((ns, name)) {
                    let id = match ns {
                        Some(ns) => format!("{}/{}", short(ns), short(name)),
                        None => short(name),
                    };
                    bad.push(format!("{} {id} is listed twice", r.kind));
                }
            }
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(ListError::BadObjects(bad))
    }
}

/// A name as shown in a gap: a real one is at most 253 characters.
fn short(s: &str) -> String {
    let mut out: String = s.chars().take(253).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// List items of built-in kinds carry no `apiVersion`/`kind`: the resource says what they are.
fn complete_type(doc: &mut RawDoc, r: &ApiResource) {
    if doc.kind.is_none() {
        doc.kind = Some(r.kind.clone());
    }
    if doc.api_version.is_none() {
        doc.api_version = Some(if r.group.is_empty() {
            r.version.clone()
        } else {
            format!("{}/{}", r.group, r.version)
        });
    }
}

fn is_secret(r: &ApiResource) -> bool {
    r.group.is_empty() && r.kind == "Secret"
}

/// Secret values leave memory as soon as their page is parsed: fingerprinted, or replaced by
/// the bare redaction mark (`--secrets keys`). Annotations that copy values go; every other
/// annotation but the name-only ones is masked the same way (a note, `kapp.k14s.io/original`).
fn protect_secret(doc: &mut RawDoc, mode: SecretsMode, fp: &Fingerprinter) {
    if let Some(meta) = doc.metadata.as_mut()
        && let Some(a) = meta.annotations.as_mut()
    {
        for k in VALUE_CARRYING_ANNOTATIONS {
            a.remove(*k);
        }
        mask_secret_annotations(a.iter_mut(), |b| match mode {
            SecretsMode::Fingerprint => fp.token(b),
            SecretsMode::Keys | SecretsMode::Skip => SHOWN.to_string(),
        });
    }
    match mode {
        SecretsMode::Fingerprint => {
            fingerprint_secret(fp, &mut doc.rest);
        }
        SecretsMode::Keys | SecretsMode::Skip => {
            for field in ["data", "stringData"] {
                if let Some(Value::Object(m)) = doc.rest.get_mut(field) {
                    for v in m.values_mut() {
                        *v = Value::String(SHOWN.to_string());
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret_doc() -> RawDoc {
        serde_json::from_str(
            r#"{"metadata":{"name":"db","namespace":"shop","annotations":{
                "kubectl.kubernetes.io/last-applied-configuration":"{\"data\":{\"p\":\"Q0FOQVJZ\"}}",
                "kapp.k14s.io/original":"{\"stringData\":{\"p\":\"CANARY-kapp\"}}",
                "note":"the old one was CANARY-note",
                "cert-manager.io/issuer-name":"letsencrypt"}},
                "type":"Opaque","data":{"password":"Q0FOQVJZLWxpdmU="}}"#,
        )
        .unwrap()
    }

    fn secret_resource() -> ApiResource {
        ApiResource {
            group: String::new(),
            version: "v1".into(),
            kind: "Secret".into(),
            name: "secrets".into(),
            namespaced: true,
            verbs: vec!["list".into()],
            short_names: vec![],
        }
    }

    /// Values become fingerprints (or the bare mark) at once; the applied-configuration copy
    /// goes, every other annotation but the name-only ones is masked too (`--secrets keys`
    /// included); items get their type from the resource.
    #[test]
    fn secrets_are_protected_at_parse_time() {
        let fp = Fingerprinter::from_secret("k");
        for mode in [SecretsMode::Fingerprint, SecretsMode::Keys] {
            let mut d = secret_doc();
            complete_type(&mut d, &secret_resource());
            protect_secret(&mut d, mode, &fp);
            let text = format!("{:?}", d);
            assert!(!text.contains("Q0FOQVJZ"), "{text}");
            assert!(!text.contains("CANARY"), "{text}");
            assert_eq!(d.kind.as_deref(), Some("Secret"));
            assert_eq!(d.api_version.as_deref(), Some("v1"));
            let notes = d.metadata.as_ref().unwrap().annotations.as_ref().unwrap();
            assert_eq!(notes["cert-manager.io/issuer-name"], "letsencrypt");
            let v = d.rest["data"]["password"].as_str().unwrap().to_string();
            match mode {
                SecretsMode::Keys => assert_eq!(v, SHOWN),
                _ => assert!(v.starts_with("‹redacted:"), "{v}"),
            }
        }
    }

    /// Paths of cluster-wide and per-namespace lists, core and grouped.
    #[test]
    fn paths() {
        let mut t = ListTask {
            resource: secret_resource(),
            namespace: Some("shop".into()),
        };
        assert_eq!(t.path(), "/api/v1/namespaces/shop/secrets");
        t.resource.group = "apps".into();
        t.resource.name = "deployments".into();
        t.namespace = None;
        assert_eq!(t.path(), "/apis/apps/v1/deployments");
    }
}
