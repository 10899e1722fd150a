//! `Accept` negotiation as the API server does it: JSON, the `meta.k8s.io` Table kubectl asks
//! for when it prints, aggregated discovery; protobuf, YAML and metadata-only forms are not
//! offered, so a client that accepts nothing else gets 406.

/// What a response is rendered as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// Plain JSON.
    Json,
    /// `meta.k8s.io` Table (`v1` or `v1beta1`).
    Table(&'static str),
    /// Aggregated discovery (`v2` or `v2beta1`).
    Aggregated(&'static str),
}

impl Form {
    /// The response's `Content-Type`.
    pub fn content_type(self) -> String {
        match self {
            Form::Json => "application/json".to_string(),
            Form::Table(v) => format!("application/json;as=Table;v={v};g=meta.k8s.io"),
            Form::Aggregated(v) => {
                format!("application/json;g=apidiscovery.k8s.io;v={v};as=APIGroupDiscoveryList")
            }
        }
    }
}

/// What the endpoint can produce besides JSON.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Offers {
    /// Lists and gets can be Tables.
    pub table: bool,
    /// `/api` and `/apis` can be aggregated discovery.
    pub aggregated: bool,
}

struct MediaRange<'a> {
    kind: &'a str,
    params: Vec<(&'a str, &'a str)>,
    q: f32,
}

fn parse(accept: &str) -> Vec<MediaRange<'_>> {
    let mut out: Vec<MediaRange> = accept
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.split(';').map(str::trim);
            let kind = pieces.next().filter(|k| !k.is_empty())?;
            let mut params = Vec::new();
            let mut q = 1.0;
            for p in pieces {
                if let Some((k, v)) = p.split_once('=') {
                    let (k, v) = (k.trim(), v.trim().trim_matches('"'));
                    if k == "q" {
                        q = v.parse().unwrap_or(0.0);
                    } else {
                        params.push((k, v));
                    }
                }
            }
            Some(MediaRange { kind, params, q })
        })
        .collect();
    // Stable: equal weights keep the client's order.
    out.sort_by(|a, b| b.q.partial_cmp(&a.q).unwrap_or(std::cmp::Ordering::Equal));
    out
}

/// The form to answer with, or `None` for 406 Not Acceptable.
pub(crate) fn negotiate(accept: Option<&str>, offers: Offers) -> Option<Form> {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Some(Form::Json);
    };
    for r in parse(accept) {
        if r.q <= 0.0 {
            continue;
        }
        let param = |name: &str| r.params.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
        match r.kind {
            "application/json" => match (param("as"), param("g"), param("v")) {
                (None, _, _) => return Some(Form::Json),
                (Some("Table"), Some("meta.k8s.io"), Some(v)) if offers.table => match v {
                    "v1" => return Some(Form::Table("v1")),
                    "v1beta1" => return Some(Form::Table("v1beta1")),
                    _ => {}
                },
                (Some("APIGroupDiscoveryList"), Some("apidiscovery.k8s.io"), Some(v))
                    if offers.aggregated =>
                {
                    match v {
                        "v2" => return Some(Form::Aggregated("v2")),
                        "v2beta1" => return Some(Form::Aggregated("v2beta1")),
                        _ => {}
                    }
                }
                _ => {}
            },
            "*/*" | "application/*" => return Some(Form::Json),
            _ => {}
        }
    }
    None
}

/// The forms `serve` can answer with, for the 406 message.
pub(crate) const ACCEPTED: &str = "application/json, application/json;as=Table;v=v1;g=meta.k8s.io, application/json;as=Table;v=v1beta1;g=meta.k8s.io, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: Offers = Offers {
        table: true,
        aggregated: true,
    };

    /// kubectl's Table request, its aggregated discovery request, protobuf-only clients.
    #[test]
    fn kubectl_accept_headers() {
        let table = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
        assert_eq!(negotiate(Some(table), ALL), Some(Form::Table("v1")));
        let no_table = Offers {
            table: false,
            aggregated: false,
        };
        assert_eq!(negotiate(Some(table), no_table), Some(Form::Json));
        let disc = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
        assert_eq!(negotiate(Some(disc), ALL), Some(Form::Aggregated("v2")));
        assert_eq!(negotiate(Some(disc), no_table), Some(Form::Json));
        assert_eq!(
            negotiate(Some("application/vnd.kubernetes.protobuf"), ALL),
            None
        );
        assert_eq!(
            negotiate(Some("application/vnd.kubernetes.protobuf, */*;q=0.5"), ALL),
            Some(Form::Json)
        );
        assert_eq!(
            negotiate(
                Some("application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io"),
                ALL
            ),
            None
        );
        assert_eq!(negotiate(None, ALL), Some(Form::Json));
    }
}
