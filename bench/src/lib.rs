//! Benchmarks of the engine against its peers; see BENCHMARKS.md.
