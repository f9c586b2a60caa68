//! Properties of the engine as plain functions, shared by proptest and the fuzz targets.
