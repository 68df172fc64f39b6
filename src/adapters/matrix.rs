//! Matrix adapter (in progress on this branch).
