//! The progress display: one line per live side on stderr (kinds done/total, objects, gaps),
//! only on a terminal and never with `--quiet`.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};

/// Where the progress lines of every live side go (shared so two sides draw together).
#[derive(Clone, Debug)]
pub struct ProgressSink {
    multi: Option<MultiProgress>,
}

impl ProgressSink {
    /// On stderr when it is a terminal and `quiet` is off; hidden otherwise.
    pub fn for_stderr(quiet: bool) -> Self {
        let on = !quiet && std::io::stderr().is_terminal();
        ProgressSink {
            multi: on.then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr())),
        }
    }

    /// Draws nothing.
    pub fn hidden() -> Self {
        ProgressSink { multi: None }
    }

    /// Prints a line above the progress display (or plainly on stderr without one).
    pub fn println(&self, line: &str) {
        let line = &*crate::escape::visible(line);
        match &self.multi {
            Some(m) => {
                let _ = m.println(line);
            }
            None => eprintln!("{line}"),
        }
    }

    pub(crate) fn side(&self, name: &str) -> SideProgress {
        let bar = match &self.multi {
            Some(m) => {
                let bar = m.add(ProgressBar::new(0));
                bar.set_style(
                    ProgressStyle::with_template("{prefix:>20} {bar:24} {pos}/{len} kinds · {msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_bar()),
                );
                bar.set_prefix(crate::escape::visible_line(name).into_owned());
                bar.set_message("discovering…");
                Some(bar)
            }
            None => None,
        };
        SideProgress {
            bar,
            objects: AtomicU64::new(0),
            gaps: AtomicU64::new(0),
        }
    }
}

impl Default for ProgressSink {
    fn default() -> Self {
        Self::hidden()
    }
}

/// One side's progress line.
pub(crate) struct SideProgress {
    bar: Option<ProgressBar>,
    objects: AtomicU64,
    gaps: AtomicU64,
}

impl SideProgress {
    /// Discovery done: this many lists to make.
    pub fn start(&self, lists: usize, discovery_gaps: usize) {
        self.gaps
            .fetch_add(discovery_gaps as u64, Ordering::Relaxed);
        if let Some(b) = &self.bar {
            b.set_length(lists as u64);
            self.redraw(b);
        }
    }

    /// One list finished (with its objects, or as a gap).
    pub fn list_done(&self, objects: usize, gap: bool) {
        self.objects.fetch_add(objects as u64, Ordering::Relaxed);
        if gap {
            self.gaps.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(b) = &self.bar {
            b.inc(1);
            self.redraw(b);
        }
    }

    fn redraw(&self, b: &ProgressBar) {
        b.set_message(format!(
            "{} objects · {} gaps",
            self.objects.load(Ordering::Relaxed),
            self.gaps.load(Ordering::Relaxed)
        ));
    }

    /// Collection over: the line is cleared.
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
