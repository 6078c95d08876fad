//! `ToSocketAddrs`: addresses for bind and connect.
