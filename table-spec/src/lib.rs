//! Placeholder: the spec runner lands with its issue.
