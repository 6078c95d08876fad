//! net (in progress).
