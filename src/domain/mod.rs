//! The ground floor: the values several rooms share, and nothing else.
//!
//! A session's id, owner, status, timeout and record; one step of its history; a URL a
//! session may open; what a page is (its address and title, its kind, the kind of an
//! image on it); a session's file's name; a profile and the browser state it keeps; which private-network
//! destinations pages may reach anyway; a node of a cluster. Every room may import this one; it imports no room. Values are valid by
//! construction: the edges (`api`, `mcp`, the command line) parse requests into them.

mod files;
mod key;
mod network;
mod node;
mod page;
mod page_url;
mod profile;
mod session;
mod step;

pub use files::{Download, DownloadState, FileName, SessionFile};
pub use key::{virtual_key_code, KeyName};
pub use network::{AllowedDestination, PrivateNetworkAllowance};
pub use node::{Holder, NodeId, NodeInfo, NodeRecord, NodeState};
pub use page::{ImageCategory, PageCategory, PageInfo};
pub use page_url::PageUrl;
pub use profile::{
    Cookie, OriginStorage, ProfileId, ProfileName, ProfileRecord, ProfileUse, StorageItem,
    StorageState,
};
pub use session::{
    now, Ending, Owner, SessionId, SessionRecord, SessionStatus, SessionTimeout, StartOptions,
};
pub use step::StepRecord;
