//! The driver conformance suite (`conformance/mod.rs`) against driver-smol.

#[path = "conformance/mod.rs"]
mod conformance;

conformance::suite!(conformance::mount_smol::Smol);
