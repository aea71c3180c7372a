//! Requests in flight on one page, counted from the Network domain's events, so that
//! "ready" can mean "no request pending" and not just "`load` fired".
//!
//! Only requests that can change what the page holds count: documents, scripts,
//! stylesheets, XHR and fetch, and whatever else the page itself asks for. Images, media,
//! fonts, prefetches, beacons, reports and the browser's own fetches (favicons, which it
//! fetches again on every move within the document) change no node and no action: a
//! page waiting only for them is ready. Of those that count, the answers a script awaits
//! (XHR, fetch) are told apart: after a load only they can still change the page.
//!
//! A request that has been pending for longer than [`STALE`] no longer counts: a
//! long poll, a stalled beacon or a request whose end the protocol never reported must
//! not keep a page "busy" until the settle bound every time.
//!
//! It also counts the documents the page was sent that the browser will save rather than
//! show (attachments): a download is known here before the browser announces it.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chromiumoxide::cdp::browser_protocol::network::{
    EventLoadingFailed, EventLoadingFinished, EventRequestWillBeSent, EventResponseReceived,
    InitiatorType, RequestId, ResourceType,
};
use chromiumoxide::Page;
use futures_util::StreamExt;
use tokio::sync::Notify;

const STALE: Duration = Duration::from_millis(1500);
const POLL: Duration = Duration::from_millis(10);
/// How many early ends are kept before the stale ones are let go, and at most.
const ENDED_EARLY_PRUNE_AT: usize = 256;
const ENDED_EARLY_MAX: usize = 4096;

#[derive(Default)]
struct Requests {
    pending: HashMap<RequestId, Instant>,
    /// Ends that came before their request's start: the two come on separate event streams,
    /// whose order is not kept, and a request served from a cache ends at once. A start
    /// found here has already ended. Kept for [`STALE`] (then the start would not count).
    ended_early: HashMap<RequestId, Instant>,
    /// The pending requests whose answer a script of the page awaits (XHR, fetch).
    answers: HashSet<RequestId>,
    started: u64,
    /// When a request last started or ended.
    last_activity: Option<Instant>,
    /// When a request whose answer a script awaits last started or ended.
    last_answer_activity: Option<Instant>,
    /// Documents the page was sent that the browser will save rather than show (an
    /// attachment): downloads to expect, ahead of the browser's word that one began.
    downloads_announced: u64,
}

/// The page's requests in flight.
#[derive(Clone)]
pub(super) struct InFlight {
    requests: Arc<Mutex<Requests>>,
    /// Woken whenever a request ends.
    ended: Arc<Notify>,
}

impl InFlight {
    fn lock(&self) -> std::sync::MutexGuard<'_, Requests> {
        self.requests.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How many requests the page has started so far.
    pub(super) fn started(&self) -> u64 {
        self.lock().started
    }

    /// How many documents the page was sent that are downloads (see [`is_download`]).
    pub(super) fn downloads_announced(&self) -> u64 {
        self.lock().downloads_announced
    }

    /// Requests pending and not yet stale.
    pub(super) fn pending(&self) -> usize {
        let now = Instant::now();
        self.lock()
            .pending
            .values()
            .filter(|since| now.duration_since(**since) < STALE)
            .count()
    }

    /// How long no request has started or ended (since ever, when none has).
    pub(super) fn still_for(&self) -> Duration {
        self.lock()
            .last_activity
            .map_or(Duration::MAX, |last| last.elapsed())
    }

    /// How long no request whose answer a script awaits (XHR, fetch) has started or ended.
    /// After a load, only these can still change the page: a document's scripts and styles
    /// have done their work by the time `load` fires.
    pub(super) fn answers_still_for(&self) -> Duration {
        self.lock()
            .last_answer_activity
            .map_or(Duration::MAX, |last| last.elapsed())
    }

    /// Waits until no request is pending (returns at once if none is).
    pub(super) async fn idle(&self) {
        loop {
            let ended = self.ended.notified();
            if self.pending() == 0 {
                return;
            }
            // a request going stale ends nothing: look again now and then
            let _ = tokio::time::timeout(POLL, ended).await;
        }
    }
}

impl InFlight {
    fn new() -> Self {
        InFlight {
            requests: Arc::default(),
            ended: Arc::default(),
        }
    }

    /// A request that counts has started; a new document makes what the old one waited
    /// for moot.
    fn started_request(&self, request: &RequestId, kind: Counted) {
        let mut requests = self.lock();
        let now = Instant::now();
        requests.last_activity = Some(now);
        requests.started += 1;
        match kind {
            Counted::Document => {
                requests.pending.clear();
                requests.answers.clear();
            }
            Counted::Answer => requests.last_answer_activity = Some(now),
            Counted::Resource => {}
        }
        if requests.ended_early.remove(request).is_none() {
            requests.pending.insert(request.clone(), now);
            if kind == Counted::Answer {
                requests.answers.insert(request.clone());
            }
        }
    }

    fn ended(&self, request: &RequestId) {
        let mut requests = self.lock();
        let now = Instant::now();
        if requests.pending.remove(request).is_none() {
            // Not started yet as far as this count knows, or never counted (an image, a
            // favicon: no activity, and its start never comes here).
            if requests.ended_early.len() >= ENDED_EARLY_PRUNE_AT {
                requests
                    .ended_early
                    .retain(|_, at| now.duration_since(*at) < STALE);
                // A page ending thousands of images at once: forgetting an early end only
                // costs a wait until STALE.
                if requests.ended_early.len() >= ENDED_EARLY_MAX {
                    requests.ended_early.clear();
                }
            }
            requests.ended_early.insert(request.clone(), now);
            return;
        }
        requests.last_activity = Some(now);
        if requests.answers.remove(request) {
            requests.last_answer_activity = Some(now);
        }
        drop(requests);
        self.ended.notify_waiters();
    }
}

/// Starts counting the page's requests; the returned task runs until aborted.
pub(super) async fn track(
    page: &Page,
) -> Result<(InFlight, tokio::task::JoinHandle<()>), chromiumoxide::error::CdpError> {
    let mut sent = page.event_listener::<EventRequestWillBeSent>().await?;
    let mut finished = page.event_listener::<EventLoadingFinished>().await?;
    let mut failed = page.event_listener::<EventLoadingFailed>().await?;
    let mut responses = page.event_listener::<EventResponseReceived>().await?;
    let in_flight = InFlight::new();
    let tracked = in_flight.clone();
    let task = tokio::spawn(async move {
        loop {
            tokio::select! {
                Some(event) = sent.next() => {
                    if let Some(kind) = counted(&event) {
                        tracked.started_request(&event.request_id, kind);
                    }
                }
                Some(event) = responses.next() => {
                    if is_download(&event) {
                        tracked.lock().downloads_announced += 1;
                    }
                }
                Some(event) = finished.next() => tracked.ended(&event.request_id),
                Some(event) = failed.next() => tracked.ended(&event.request_id),
                else => break,
            }
        }
    });
    Ok((in_flight, task))
}

/// Whether a response is a document the browser saves instead of showing: one sent as an
/// attachment, or as bare bytes.
fn is_download(event: &EventResponseReceived) -> bool {
    if event.r#type != ResourceType::Document {
        return false;
    }
    let attachment = event
        .response
        .headers
        .inner()
        .as_object()
        .is_some_and(|headers| {
            headers.iter().any(|(name, value)| {
                name.eq_ignore_ascii_case("content-disposition")
                    && value.as_str().is_some_and(|v| {
                        v.trim_start()
                            .to_ascii_lowercase()
                            .starts_with("attachment")
                    })
            })
        });
    attachment || event.response.mime_type == "application/octet-stream"
}

/// Whether the page may still change when this request ends (see the module's doc).
/// How a request that can change the page counts: a document, an answer a script awaits,
/// or a resource the document itself asked for (a script, a style sheet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Counted {
    Document,
    Answer,
    Resource,
}

fn counted(event: &EventRequestWillBeSent) -> Option<Counted> {
    let counts = match event.r#type {
        // Streams never finish; they would keep a page "busy" for ever.
        Some(ResourceType::WebSocket | ResourceType::EventSource) => false,
        Some(
            ResourceType::Image
            | ResourceType::Media
            | ResourceType::Font
            | ResourceType::TextTrack
            | ResourceType::Prefetch
            | ResourceType::Ping
            | ResourceType::CspViolationReport
            | ResourceType::Manifest
            | ResourceType::FedCm,
        ) => false,
        Some(ResourceType::Other) => event.initiator.r#type != InitiatorType::Other,
        _ => true,
    };
    Some(match event.r#type {
        _ if !counts => return None,
        Some(ResourceType::Document) => Counted::Document,
        Some(ResourceType::Xhr | ResourceType::Fetch | ResourceType::Other) | None => {
            Counted::Answer
        }
        Some(_) => Counted::Resource,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(resource: &str, initiator: &str) -> EventRequestWillBeSent {
        serde_json::from_value(serde_json::json!({
            "requestId": "1.1",
            "loaderId": "L",
            "documentURL": "http://127.0.0.1/page.html",
            "request": {
                "url": "http://127.0.0.1/thing",
                "method": "GET",
                "headers": {},
                "initialPriority": "High",
                "referrerPolicy": "no-referrer"
            },
            "timestamp": 1.0,
            "wallTime": 1.0,
            "initiator": { "type": initiator },
            "redirectHasExtraInfo": false,
            "type": resource,
            "frameId": "F"
        }))
        .expect("a requestWillBeSent event")
    }

    #[test]
    fn what_the_page_fetches_to_change_itself_counts() {
        for (resource, initiator) in [
            ("Document", "other"),
            ("Script", "parser"),
            ("Stylesheet", "parser"),
            ("XHR", "script"),
            ("Fetch", "script"),
            ("Other", "parser"),
        ] {
            assert!(
                counted(&request(resource, initiator)).is_some(),
                "{resource} by {initiator}"
            );
        }
    }

    #[test]
    fn pixels_beacons_streams_and_the_browsers_own_favicons_do_not() {
        for (resource, initiator) in [
            ("Image", "parser"),
            ("Font", "parser"),
            ("Media", "script"),
            ("Ping", "script"),
            ("CSPViolationReport", "other"),
            ("WebSocket", "script"),
            ("EventSource", "script"),
            // the browser fetching the page's icons, again after each `#fragment` move
            ("Other", "other"),
        ] {
            assert!(
                counted(&request(resource, initiator)).is_none(),
                "{resource} by {initiator}"
            );
        }
    }

    fn response(resource: &str, mime: &str, headers: serde_json::Value) -> EventResponseReceived {
        serde_json::from_value(serde_json::json!({
            "requestId": "1.1",
            "loaderId": "L",
            "timestamp": 1.0,
            "type": resource,
            "hasExtraInfo": false,
            "frameId": "F",
            "response": {
                "url": "http://127.0.0.1/report",
                "status": 200,
                "statusText": "OK",
                "headers": headers,
                "mimeType": mime,
                "charset": "",
                "connectionReused": false,
                "connectionId": 1,
                "encodedDataLength": 0,
                "securityState": "neutral"
            }
        }))
        .expect("a responseReceived event")
    }

    #[test]
    fn documents_sent_as_attachments_or_bare_bytes_are_downloads() {
        let attachment =
            serde_json::json!({"Content-Disposition": "Attachment; filename=\"a.pdf\""});
        assert!(is_download(&response(
            "Document",
            "application/pdf",
            attachment.clone()
        )));
        assert!(is_download(&response(
            "Document",
            "application/octet-stream",
            serde_json::json!({})
        )));
        assert!(!is_download(&response(
            "Document",
            "text/html",
            serde_json::json!({})
        )));
        let inline = serde_json::json!({"content-disposition": "inline"});
        assert!(!is_download(&response(
            "Document",
            "application/pdf",
            inline
        )));
        assert!(!is_download(&response(
            "XHR",
            "application/octet-stream",
            attachment
        )));
    }

    #[test]
    fn a_request_whose_end_came_before_its_start_is_not_pending() {
        let in_flight = InFlight::new();
        let (early, late) = (RequestId::new("1.7"), RequestId::new("1.8"));
        in_flight.ended(&early);
        in_flight.started_request(&early, Counted::Resource);
        in_flight.started_request(&late, Counted::Resource);
        assert_eq!((in_flight.pending(), in_flight.started()), (1, 2));
        in_flight.ended(&late);
        assert_eq!(in_flight.pending(), 0);
        // Once an early end has been matched, a later start of the same id counts again
        // (a redirect's next hop).
        in_flight.started_request(&early, Counted::Resource);
        assert_eq!(in_flight.pending(), 1);
    }

    #[test]
    fn the_ends_of_requests_that_never_count_are_kept_within_a_bound() {
        let in_flight = InFlight::new();
        for n in 0..3 * ENDED_EARLY_MAX {
            in_flight.ended(&RequestId::new(format!("image.{n}")));
            assert!(in_flight.lock().ended_early.len() <= ENDED_EARLY_MAX);
        }
    }

    #[test]
    fn only_the_answers_a_script_awaits_count_as_their_own_activity() {
        let in_flight = InFlight::new();
        assert_eq!(in_flight.answers_still_for(), Duration::MAX);
        let (script, fetch) = (RequestId::new("2.1"), RequestId::new("2.2"));
        in_flight.started_request(&script, Counted::Resource);
        in_flight.ended(&script);
        assert_eq!(in_flight.answers_still_for(), Duration::MAX);
        assert!(in_flight.still_for() < Duration::MAX);
        in_flight.started_request(&fetch, Counted::Answer);
        assert!(in_flight.answers_still_for() < Duration::MAX);
        for (resource, kind) in [
            ("Document", Counted::Document),
            ("Script", Counted::Resource),
            ("Stylesheet", Counted::Resource),
            ("XHR", Counted::Answer),
            ("Fetch", Counted::Answer),
        ] {
            assert_eq!(
                counted(&request(resource, "script")),
                Some(kind),
                "{resource}"
            );
        }
    }
}
