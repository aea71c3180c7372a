//! Telling a client when its connection will not carry another request.
//!
//! Owns one middleware. When an answer is sent before the request's body was read to its
//! end (a 401 before the body is parsed, a 413 at the size limit), hyper does not read
//! the rest: it drops the connection after the answer. A client that keeps the
//! connection would send its next request into it and see a broken pipe, so such an
//! answer says `Connection: close`. Reading and limiting bodies stays with the
//! extractors.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{Body, BodyDataStream, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::Stream;

/// Adds `Connection: close` to an answer that left the request's body unread.
pub async fn close_when_body_unread(request: Request, next: Next) -> Response {
    if !carries_body(request.headers()) {
        return next.run(request).await;
    }
    let read_to_end = Arc::new(AtomicBool::new(false));
    let request = request.map(|body| {
        Body::from_stream(WatchedBody {
            data: body.into_data_stream(),
            read_to_end: Arc::clone(&read_to_end),
        })
    });
    let mut response = next.run(request).await;
    if !read_to_end.load(Ordering::Acquire) {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

fn carries_body(headers: &HeaderMap) -> bool {
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .is_some_and(|length| length != "0")
}

/// The request's body, noting when its last byte has been read.
struct WatchedBody {
    data: BodyDataStream,
    read_to_end: Arc<AtomicBool>,
}

impl Stream for WatchedBody {
    type Item = Result<Bytes, axum::Error>;

    fn poll_next(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let next = Pin::new(&mut self.data).poll_next(context);
        if let Poll::Ready(None) = next {
            self.read_to_end.store(true, Ordering::Release);
        }
        next
    }
}
