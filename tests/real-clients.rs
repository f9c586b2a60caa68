//! Real clients (`curl`, Python's `http.client`) against each driver's echo application
//! (`conformance/real_clients.rs`); a client that is not installed is skipped with a notice.

#[path = "conformance/mod.rs"]
mod conformance;

use conformance::mount_blocking::Blocking;
use conformance::mount_smol::Smol;
use conformance::mount_tokio::Tokio;
use conformance::real_clients::{curl, python};

#[test]
fn curl_tokio() {
    curl::<Tokio>();
}

#[test]
fn python_tokio() {
    python::<Tokio>();
}

#[test]
fn curl_blocking() {
    curl::<Blocking>();
}

#[test]
fn python_blocking() {
    python::<Blocking>();
}

#[test]
fn curl_smol() {
    curl::<Smol>();
}

#[test]
fn python_smol() {
    python::<Smol>();
}
