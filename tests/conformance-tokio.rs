//! The driver conformance suite (`conformance/mod.rs`) against driver-tokio.

#[path = "conformance/mod.rs"]
mod conformance;

conformance::suite!(conformance::mount_tokio::Tokio);
