//! Watching the server: one log line per request, request ids, and the Prometheus
//! metrics at `/metrics`.
//!
//! Owns the request middleware (its span carries the method, path, request id and, once
//! a handler knows it, the session id), the metrics exporter and its rendering. The
//! counters about sessions, steps, browsers and the store are emitted by the rooms where
//! those facts happen, through the `metrics` facade; this module describes and renders
//! them. A log line never carries headers, query strings or bodies, so no API key,
//! cookie or typed value reaches the log.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderName};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tracing::Instrument;

use crate::shutdown::Shutdown;

/// The header carrying a request's id, in the request (a client may set it) and in the
/// response.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Why a request failed, as told to the client; the request's log line repeats it.
#[derive(Debug, Clone)]
pub struct FailureReason(pub String);

/// Times, counts and logs every request, in one line when it is answered.
pub async fn observe_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let endpoint = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_string();
    let request_id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let span = tracing::info_span!(
        "request",
        %method,
        path = request.uri().path(),
        request_id,
        session_id = tracing::field::Empty,
    );
    let response = next.run(request).instrument(span.clone()).await;
    let latency = started.elapsed();
    let status = response.status();
    let labels = [
        ("endpoint", endpoint),
        ("method", method.to_string()),
        ("status", status.as_str().to_string()),
    ];
    metrics::counter!("browserd_http_requests_total", &labels).increment(1);
    metrics::histogram!("browserd_http_request_duration_seconds", &labels)
        .record(latency.as_secs_f64());
    let latency_ms = (latency.as_secs_f64() * 10_000.0).round() / 10.0;
    let error = response
        .extensions()
        .get::<FailureReason>()
        .map(|reason| reason.0.as_str());
    span.in_scope(|| {
        if status.is_server_error() {
            tracing::error!(
                status = status.as_u16(),
                latency_ms,
                error,
                "request failed"
            );
        } else {
            tracing::info!(status = status.as_u16(), latency_ms, error, "request");
        }
    });
    response
}

/// The process's metrics exporter; cheap to clone.
#[derive(Clone)]
pub struct Metrics {
    handle: PrometheusHandle,
}

/// Upper bounds of the request latency buckets, in seconds.
const REQUEST_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];
/// Upper bounds of the store write latency buckets, in seconds.
const STORE_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0,
];

impl Metrics {
    /// The exporter, installed as the process's recorder on first use. One process has
    /// one recorder: servers started in the same process (tests) share it.
    pub fn global() -> Self {
        static METRICS: OnceLock<Metrics> = OnceLock::new();
        METRICS.get_or_init(Self::install).clone()
    }

    fn install() -> Self {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full("browserd_http_request_duration_seconds".into()),
                REQUEST_BUCKETS,
            )
            .and_then(|builder| {
                builder.set_buckets_for_metric(
                    Matcher::Full("browserd_store_write_duration_seconds".into()),
                    STORE_BUCKETS,
                )
            })
            .unwrap_or_else(|error| {
                tracing::warn!(%error, "metrics: latency buckets refused; histograms become summaries");
                PrometheusBuilder::new()
            });
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if let Err(error) = metrics::set_global_recorder(recorder) {
            tracing::warn!(%error, "metrics: another recorder is installed; /metrics stays empty");
        }
        describe();
        Self { handle }
    }

    /// The metrics in the Prometheus text format.
    pub fn render(&self) -> String {
        self.handle.render()
    }

    /// Drains the histograms' pending samples now and then, so that memory stays flat
    /// between scrapes, and counts the runtime's tasks, until `shutdown`.
    pub async fn run_upkeep(self, shutdown: Shutdown) {
        let mut interval = tokio::time::interval(Duration::from_secs(5));
        loop {
            tokio::select! {
                _ = interval.tick() => {
                    self.handle.run_upkeep();
                    let tasks = tokio::runtime::Handle::current().metrics().num_alive_tasks();
                    metrics::gauge!("browserd_tasks_alive").set(tasks as f64);
                }
                _ = shutdown.wait() => return,
            }
        }
    }
}

/// Help texts and units of every metric, and a zero for the unlabelled ones so that
/// their series exist from the first scrape.
fn describe() {
    describe_counter!("browserd_sessions_started_total", "Sessions started.");
    describe_gauge!("browserd_sessions_active", "Sessions active now.");
    describe_counter!(
        "browserd_sessions_ended_total",
        "Sessions ended, by the status they ended with (closed, timed_out, error)."
    );
    describe_counter!(
        "browserd_http_requests_total",
        "HTTP requests answered, by endpoint (the route's template), method and status."
    );
    describe_histogram!(
        "browserd_http_request_duration_seconds",
        Unit::Seconds,
        "Time from a request's arrival to its response, by endpoint, method and status."
    );
    describe_counter!(
        "browserd_steps_total",
        "Steps (/env/step), by action kind (link, button, input, goto, back, …) and outcome (ok, rejected, conflict, navigation_failed, browser_error)."
    );
    describe_counter!(
        "browserd_browser_launches_total",
        "Browser processes launched, relaunches after a crash included."
    );
    describe_counter!(
        "browserd_browser_crashes_total",
        "Browser processes that died while the server was running."
    );
    describe_gauge!(
        "browserd_tasks_alive",
        "Tasks alive in the server's runtime (every 5 s): steady when nothing is left waiting for ever."
    );
    describe_gauge!(
        "browserd_heap_in_use_bytes",
        Unit::Bytes,
        "Bytes the server's allocator counts in use (glibc), after its last trim (every 30 s)."
    );
    describe_gauge!(
        "browserd_heap_free_held_bytes",
        Unit::Bytes,
        "Bytes free in the allocator's heaps that its last trim could not return to the system."
    );
    describe_histogram!(
        "browserd_store_write_duration_seconds",
        Unit::Seconds,
        "Time to commit one database write, by operation."
    );
    metrics::counter!("browserd_sessions_started_total").increment(0);
    metrics::gauge!("browserd_sessions_active").set(0.0);
    metrics::counter!("browserd_browser_launches_total").increment(0);
    metrics::counter!("browserd_browser_crashes_total").increment(0);
}

/// Prometheus metrics: sessions, requests, steps, browsers, store writes.
///
/// No key needed, like `/health`: scrapers usually have none, and the metrics carry no
/// session ids, URLs or keys.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "service",
    responses((status = 200, description = "The metrics in the Prometheus text format (0.0.4).", body = String, content_type = "text/plain"))
)]
pub async fn metrics(State(metrics): State<Metrics>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        metrics.render(),
    )
        .into_response()
}
