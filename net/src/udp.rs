//! `UdpSocket`.
