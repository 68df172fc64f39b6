//! Discord adapter (in progress on its branch).
