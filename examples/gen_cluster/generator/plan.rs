//! The plan: namespaces, apps and the fate of every object (small; objects are built lazily).

use rand::Rng;
use rand::seq::{IndexedRandom, index};
use serde_json::Value;

use super::app::App;
use super::change::Change;
use super::kinds::{Fate, Kind, Manager, Side};
use super::objects::{
    config_map, cron_job, default_service_account, deployment, hpa, ingress, registry_secret,
    secret, service, service_account,
};
use super::rng::{SALT_CHANGE, SALT_FATE, SALT_NAMESPACE, SALT_PROD, SALT_STAGING, rng_for};
use super::server::add_server_fields;

/// Share of paired objects whose staging copy is perturbed.
const PERTURBED_SHARE: f64 = 0.05;
/// Share of objects that exist on one side only (half prod-only, half staging-only).
const ONE_SIDED_SHARE: f64 = 0.01;

/// An app of a namespace: its name and which optional objects it has.
pub(super) struct AppMeta {
    /// The app's name, shared by its objects.
    pub(super) name: &'static str,
    /// Whether it has a HorizontalPodAutoscaler.
    hpa: bool,
    /// Whether it has an Ingress.
    ingress: bool,
}

/// A CronJob of a namespace: the app whose image it runs and its task.
pub(super) struct JobMeta {
    /// Slot of the app in [`NsPlan::apps`].
    app: u16,
    /// The task, the suffix of the CronJob's name.
    task: &'static str,
}

/// One namespace: its names on both sides, its manager, apps and jobs.
pub(super) struct NsPlan {
    /// Its number: `team-<k>`.
    pub(super) k: u32,
    /// Its name on production.
    pub(super) prod: String,
    /// Its name on staging (`team-<k>-stg` for `k % 4 == 3`).
    pub(super) staging: String,
    /// The tool that applies its objects.
    pub(super) manager: Manager,
    /// Its apps, sorted by name.
    pub(super) apps: Vec<AppMeta>,
    /// Its CronJobs.
    jobs: Vec<JobMeta>,
}

impl NsPlan {
    /// Its name on `side`.
    pub(super) fn name(&self, side: Side) -> &str {
        match side {
            Side::Prod => &self.prod,
            Side::Staging => &self.staging,
        }
    }
}

/// Who an object belongs to inside its namespace.
#[derive(Clone, Copy)]
pub(super) enum Owner {
    App(u16),
    Job(u16),
    DefaultServiceAccount,
    RegistrySecret,
}

/// One object of the union of both sides, before it is built.
pub(super) struct PlannedObject {
    /// Index of its namespace in [`Plan::namespaces`].
    pub(super) ns: u32,
    /// Its kind.
    pub(super) kind: Kind,
    /// Who it belongs to.
    pub(super) owner: Owner,
    /// What happens to it on staging.
    pub(super) fate: Fate,
}

/// Everything decided up front; objects themselves are built lazily, one at a time.
pub(super) struct Plan {
    /// The RNG seed.
    pub(super) seed: u64,
    /// Objects on each side.
    pub(super) objects_per_side: usize,
    /// The namespaces, `team-1` first.
    pub(super) namespaces: Vec<NsPlan>,
    /// Every object of either side, in namespace order.
    pub(super) objects: Vec<PlannedObject>,
}

/// App names a namespace draws from.
#[rustfmt::skip]
const APP_NAMES: [&str; 32] = [
    "audit", "auth", "billing", "cart", "catalog", "checkout", "export", "fraud",
    "gateway", "geo", "inventory", "invoices", "ledger", "loyalty", "mailer", "media",
    "notifier", "orders", "payments", "pricing", "profile", "quotes", "recommender", "reports",
    "scheduler", "search", "session", "shipping", "tax", "users", "webhooks", "wishlist",
];

/// CronJob tasks a namespace draws from.
#[rustfmt::skip]
const CRON_TASKS: [&str; 8] = [
    "backup", "cleanup", "compact", "digest", "nightly-report", "reconcile", "rotate-keys", "sync",
];

impl Plan {
    /// Plans namespaces until there are enough objects, then picks the one-sided and
    /// perturbed ones.
    pub(super) fn build(objects_per_side: usize, seed: u64) -> Plan {
        let one_sided_each = (objects_per_side as f64 * ONE_SIDED_SHARE / 2.0).round() as usize;
        let universe = objects_per_side + one_sided_each;
        let mut namespaces = Vec::new();
        let mut objects = Vec::with_capacity(universe + 64);
        while objects.len() < universe {
            let ns = NsPlan::new(seed, namespaces.len() as u32 + 1);
            let ns_index = namespaces.len() as u32;
            let mut push = |kind, owner| {
                objects.push(PlannedObject {
                    ns: ns_index,
                    kind,
                    owner,
                    fate: Fate::Same,
                })
            };
            push(Kind::ServiceAccount, Owner::DefaultServiceAccount);
            push(Kind::Secret, Owner::RegistrySecret);
            for (slot, app) in ns.apps.iter().enumerate() {
                let owner = Owner::App(slot as u16);
                for kind in [
                    Kind::ConfigMap,
                    Kind::Secret,
                    Kind::ServiceAccount,
                    Kind::Service,
                    Kind::Deployment,
                ] {
                    push(kind, owner);
                }
                if app.hpa {
                    push(Kind::HorizontalPodAutoscaler, owner);
                }
                if app.ingress {
                    push(Kind::Ingress, owner);
                }
            }
            for job in 0..ns.jobs.len() {
                push(Kind::CronJob, Owner::Job(job as u16));
            }
            namespaces.push(ns);
        }
        objects.truncate(universe);

        // One-sided objects first (exact counts), then the perturbed share of the rest.
        let mut rng = rng_for(seed, SALT_FATE, 0);
        let picked = index::sample(&mut rng, universe, 2 * one_sided_each).into_vec();
        for (i, &obj) in picked.iter().enumerate() {
            objects[obj].fate = if i < one_sided_each {
                Fate::ProdOnly
            } else {
                Fate::StagingOnly
            };
        }
        // Perturb PERTURBED_SHARE of the paired objects, spread over kinds by count x weight
        // (Deployments carry most of the drift a checker cares about), uniform within a kind.
        let paired = objects.iter().filter(|o| o.fate == Fate::Same).count();
        let target = paired as f64 * PERTURBED_SHARE;
        let by_kind: Vec<Vec<usize>> = Kind::ALL
            .iter()
            .map(|&kind| {
                (0..universe)
                    .filter(|&i| objects[i].kind == kind && objects[i].fate == Fate::Same)
                    .collect()
            })
            .collect();
        let weighted_total: f64 = Kind::ALL
            .iter()
            .zip(&by_kind)
            .map(|(kind, members)| members.len() as f64 * kind.drift_weight())
            .sum();
        for (kind, members) in Kind::ALL.iter().zip(&by_kind) {
            let share = members.len() as f64 * kind.drift_weight() / weighted_total;
            let count = ((target * share).round() as usize).min(members.len());
            for i in index::sample(&mut rng, members.len(), count) {
                objects[members[i]].fate = Fate::Perturbed;
            }
        }
        Plan {
            seed,
            objects_per_side,
            namespaces,
            objects,
        }
    }

    /// The `metadata.name` of a planned object (the same on both sides).
    pub(super) fn object_name(&self, obj: &PlannedObject) -> String {
        let ns = &self.namespaces[obj.ns as usize];
        match (obj.owner, obj.kind) {
            (Owner::DefaultServiceAccount, _) => "default".to_string(),
            (Owner::RegistrySecret, _) => "registry-credentials".to_string(),
            (Owner::Job(j), _) => {
                let job = &ns.jobs[j as usize];
                format!("{}-{}", ns.apps[job.app as usize].name, job.task)
            }
            (Owner::App(a), Kind::ConfigMap) => format!("{}-config", ns.apps[a as usize].name),
            (Owner::App(a), Kind::Secret) => format!("{}-secrets", ns.apps[a as usize].name),
            (Owner::App(a), _) => ns.apps[a as usize].name.to_string(),
        }
    }

    /// The perturbation of the object at `index` (meaningful for perturbed objects only).
    pub(super) fn change_for(&self, index: usize) -> Change {
        Change::pick(
            &self.objects[index],
            &mut rng_for(self.seed, SALT_CHANGE, index as u64),
        )
    }

    /// Builds one object as it appears on `side`, server fields included.
    pub(super) fn build_object(&self, index: usize, side: Side) -> Value {
        let obj = &self.objects[index];
        let ns = &self.namespaces[obj.ns as usize];
        let app_slot = match obj.owner {
            Owner::App(a) => Some(a),
            Owner::Job(j) => Some(ns.jobs[j as usize].app),
            Owner::DefaultServiceAccount | Owner::RegistrySecret => None,
        };
        let app = app_slot.map(|slot| App::new(self.seed, ns, slot));
        let mut v = match (obj.kind, &app) {
            (Kind::ServiceAccount, None) => default_service_account(),
            (Kind::Secret, None) => registry_secret(ns),
            (Kind::ConfigMap, Some(app)) => config_map(app, ns.manager),
            (Kind::Secret, Some(app)) => secret(app, ns.manager),
            (Kind::ServiceAccount, Some(app)) => service_account(app, ns.manager),
            (Kind::Service, Some(app)) => service(app, ns.manager),
            (Kind::Deployment, Some(app)) => deployment(app, ns.manager),
            (Kind::HorizontalPodAutoscaler, Some(app)) => hpa(app, ns.manager),
            (Kind::Ingress, Some(app)) => ingress(app, ns.manager),
            (Kind::CronJob, Some(app)) => {
                let Owner::Job(j) = obj.owner else {
                    unreachable!("CronJobs are owned by jobs")
                };
                cron_job(app, ns.jobs[j as usize].task, ns.manager)
            }
            _ => unreachable!("app-less objects are the default SA and the registry secret"),
        };
        if side == Side::Staging && obj.fate == Fate::Perturbed {
            let mut rng = rng_for(self.seed, SALT_CHANGE, index as u64);
            let change = Change::pick(obj, &mut rng);
            change.apply(&mut v, app.as_ref(), &mut rng);
        }
        let salt = match side {
            Side::Prod => SALT_PROD,
            Side::Staging => SALT_STAGING,
        };
        let manager = match obj.owner {
            Owner::DefaultServiceAccount => "kube-controller-manager",
            Owner::RegistrySecret => "kubectl-create",
            _ => ns.manager.field_manager(),
        };
        let mut rng = rng_for(self.seed, salt, index as u64);
        add_server_fields(&mut v, obj.kind, ns.name(side), manager, &mut rng);
        v
    }
}

impl NsPlan {
    /// Draws namespace `team-<k>`: 3..=6 apps, 0..=3 CronJobs and a manager.
    fn new(seed: u64, k: u32) -> NsPlan {
        let mut rng = rng_for(seed, SALT_NAMESPACE, k.into());
        let app_count = rng.random_range(3..=6);
        let mut names: Vec<&'static str> = APP_NAMES
            .choose_multiple(&mut rng, app_count)
            .copied()
            .collect();
        names.sort_unstable();
        let apps = names
            .into_iter()
            .map(|name| AppMeta {
                name,
                hpa: rng.random_bool(0.6),
                ingress: rng.random_bool(0.45),
            })
            .collect();
        let job_count = rng.random_range(0..=3);
        let tasks: Vec<&'static str> = CRON_TASKS
            .choose_multiple(&mut rng, job_count)
            .copied()
            .collect();
        let jobs = tasks
            .into_iter()
            .map(|task| JobMeta {
                app: rng.random_range(0..app_count as u16),
                task,
            })
            .collect();
        let manager = *[Manager::Helm, Manager::Argo, Manager::Flux]
            .choose(&mut rng)
            .expect("non-empty");
        let prod = format!("team-{k}");
        let staging = if k % 4 == 3 {
            format!("{prod}-stg")
        } else {
            prod.clone()
        };
        NsPlan {
            k,
            prod,
            staging,
            manager,
            apps,
            jobs,
        }
    }
}
