//! Placeholder until the driver lands: the `http-core` engine driven by smol.
