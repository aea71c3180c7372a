//! browserd's own pages for people: the sessions page (`/ui`), the style sheet the pages
//! share, and the headers every page goes out with.
//!
//! The pages are self-contained files (`src/api/pages/`): no CDN, no build step, no
//! script from anywhere but the page itself. They read the API with what a person gives
//! them (an API key, kept in the browser) or what their URL carries (a session's token).

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The sessions page: a person gives their key once and sees that key's sessions.
pub const SESSIONS_PAGE: &str = include_str!("../pages/ui.html");
pub const STYLE: &str = include_str!("../pages/style.css");

/// What a page may load: itself, this server's API and pictures, its socket.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'unsafe-inline'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' blob:; connect-src 'self'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// A page as it goes out: a token in its URL is not sent on as a referrer, and nothing
/// but the page itself runs in it.
pub fn page(html: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        html,
    )
        .into_response()
}

pub async fn sessions() -> Response {
    page(SESSIONS_PAGE)
}

pub async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        STYLE,
    )
        .into_response()
}
