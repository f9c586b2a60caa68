//! The driver conformance suite (`conformance/mod.rs`) against driver-blocking.

#[path = "conformance/mod.rs"]
mod conformance;

conformance::suite!(conformance::mount_blocking::Blocking);
